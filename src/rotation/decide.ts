/**
 * The decision for one user: key facts + rotation record + policy + now -> the steps to take.
 * It reads facts through UserFacts (which changes nothing) and decides nothing from timestamps
 * alone: which key the action created, and whether every target holds it, come from the record.
 * A key the record does not name is never deactivated or deleted here, except under
 * `two-active-keys: delete-least-recently-used`, and then only if unused for overlap-hours.
 */
import { HOUR_MS, ageInDays, type KeyFact } from '../model/access-key.js';
import type { RotationPolicy } from '../model/settings.js';
import { isoSeconds, type RecordReading, type RotationRecord } from './lifecycle-record.js';
import {
  dueDate,
  isDue,
  isExpiredInactive,
  keysNeedingLastUse,
  leastRecentlyUsed,
  newestFirst,
  usedWithinOverlap,
} from './plan.js';
import {
  describeHolders,
  holdingsOf,
  writtenAfter,
  type Holding,
  type WriteWindow,
} from './target-holdings.js';
import type { UserFacts } from './user-facts.js';
import { describeKey, type DecidedPlan, type Step, type UserPlan } from './user-plan.js';

/** A rotation younger than this may belong to a run still at work; it is left alone. */
export const IN_PROGRESS_GRACE_MS = 60 * 60_000;

export interface DecideContext {
  readonly policy: RotationPolicy;
  readonly now: Date;
}

/** What every decision below shares: the facts, the context, the keys left after cleanup. */
interface Scene {
  readonly facts: UserFacts;
  readonly policy: RotationPolicy;
  readonly now: Date;
  readonly keys: readonly KeyFact[];
}

export async function decide(facts: UserFacts, context: DecideContext): Promise<DecidedPlan> {
  const { policy, now } = context;
  const expired = await expiredInactive(facts, policy, now);
  const keys = facts.keys.filter((key) => !expired.some((gone) => gone.id === key.id));
  const plan = await decideByRecord({ facts, policy, now, keys });
  const basis = facts.record;
  // A run in progress elsewhere, or a record nobody can read: touch nothing at all.
  if (plan.hold || expired.length === 0) return { ...plan, basis };
  return { ...before([{ kind: 'delete-inactive', keys: expired }], plan), basis };
}

async function expiredInactive(facts: UserFacts, policy: RotationPolicy, now: Date) {
  const held = heldWhileUnfinished(facts.record);
  const candidates = keysNeedingLastUse(facts.keys, policy, now).filter((key) => !held(key.id));
  const looked = await Promise.all(candidates.map((key) => facts.lastUse(key)));
  return looked.filter((key) => isExpiredInactive(key, policy, now));
}

/**
 * Whether some target may hold a key while a rotation is unfinished (`writing`, `partial`): one a
 * person deactivated is left for them to turn back on, never deleted as expired.
 */
function heldWhileUnfinished(reading: RecordReading): (keyId: string) => boolean {
  if (reading.kind !== 'record') return () => false;
  const { state, oldKeyId, newKeyId } = reading.record;
  const unfinished = state === 'writing' || state === 'partial';
  return (keyId) => unfinished && (keyId === oldKeyId || keyId === newKeyId);
}

function decideByRecord(scene: Scene): Promise<UserPlan> {
  const reading = scene.facts.record;
  if (reading.kind === 'none') return withoutRecord(scene);
  if (reading.kind === 'unreadable') {
    return Promise.resolve(
      hold(
        `the rotation record on this user cannot be read (${reading.problem}); nothing was ` +
          'changed. Remove its key-rotation:* tags to reset it (see docs/failures-and-recovery.md)',
      ),
    );
  }
  const { record } = reading;
  switch (record.state) {
    case 'creating':
      return creating(scene, record);
    case 'writing':
    case 'partial':
      return writing(scene, record);
    case 'switched':
      return switched(scene, record);
    case 'done':
      return done(scene, record);
  }
}

// --- Record states ----------------------------------------------------------------------------

/** A run was about to create a key. */
async function creating(scene: Scene, record: RotationRecord): Promise<UserPlan> {
  if (inGrace(record, scene.now)) return inProgress(record, scene.now);
  const since = record.startedAt.getTime() - 2_000;
  const unnamed = scene.keys.filter(
    (key) =>
      key.status === 'Active' && key.id !== record.oldKeyId && key.createdAt.getTime() >= since,
  );
  if (unnamed.length > 0) {
    const ids = unnamed.map((key) => key.id).join(', ');
    return blocked(
      `run ${record.run || 'unknown'} stopped while creating a key (started ` +
        `${isoSeconds(record.startedAt)}); ${ids}, created since, is not named by its record, ` +
        `so it is left alone. If nothing uses ${ids}, delete it; the next run then rotates`,
    );
  }
  const why = `run ${record.run || 'unknown'} stopped before creating a key; its record was cleared`;
  return before([{ kind: 'clear-record' }], await afterForgetting(scene, record.oldKeyId), why);
}

/**
 * A new key for every target, without knowing which key they hold now. `gone`: the key they may
 * hold, named in the record as replaced, so that a crash after making room still leaves a trace.
 */
async function provision(scene: Scene, why: string, gone: string | undefined): Promise<UserPlan> {
  const live = scene.keys.filter((key) => key.status === 'Active');
  if (live.length === 2) return twoActive(scene, live, undefined);
  const rotate = await rotateFrom(scene, undefined, why, gone);
  const inactive = scene.keys.find((key) => key.status === 'Inactive');
  if (scene.keys.length < 2 || !inactive) return rotate;
  return before([{ kind: 'delete-for-room', key: inactive }], rotate);
}

/** A run created the new key and was writing it (or finished with only some targets). */
async function writing(scene: Scene, record: RotationRecord): Promise<UserPlan> {
  if (record.state === 'writing' && inGrace(record, scene.now)) {
    return inProgress(record, scene.now);
  }
  const created = active(scene.keys, record.newKeyId);
  const holdings = holdingsOf(await scene.facts.stamps(), writeWindow(record));
  const count = (...wanted: Holding[]) => holdings.filter((h) => wanted.includes(h.holding));
  if (!created) return vanishedNewKey(scene, record, count('new', 'secret-only').length > 0);
  const base = { current: active(scene.keys, record.oldKeyId), created, holdings };
  if (count('foreign').length > 0) {
    return {
      ...blocked(
        `${describeHolders(holdings, ['foreign'])} changed in a way the rotation of ` +
          `${created.id} did not make (a key id written without its secret key, or a secret ` +
          'written after the rotation stopped): something else writes these secrets. Nothing ' +
          'was changed; once they hold a working pair, remove the key-rotation:* tags of the user',
      ),
      ...base,
    };
  }
  const halfWritten = count('secret-only').map((h) => h.target);
  const complete: Step[] = halfWritten.length
    ? [{ kind: 'complete-pairs', targets: halfWritten, keyId: created.id, record }]
    : [];
  const holdingNew = count('new', 'secret-only').length;
  if (holdingNew === holdings.length) return finishInterrupted(scene, record, complete, base);
  if (holdingNew === 0) return undoInterrupted(scene, record, created);
  const reason = mixedReason(holdings, created, record, base.current !== undefined);
  return { ...blocked(reason), ...base, steps: complete };
}

/** Every target holds the new key; the old one waits out the overlap window and its last use. */
async function switched(scene: Scene, record: RotationRecord): Promise<UserPlan> {
  const created = active(scene.keys, record.newKeyId);
  if (!created) return forgetStale(scene, record);
  const old = active(scene.keys, record.oldKeyId);
  if (!old) {
    const next = await withCurrent(scene, created);
    const doneRecord: RotationRecord = { ...record, state: 'done' };
    const why = `${record.oldKeyId ?? 'the old key'} is no longer active; the rotation is done`;
    return before([{ kind: 'write-record', record: doneRecord }], next, why);
  }
  return retireWhenSafe(scene, record, created, old);
}

/** The last rotation is finished: the record names the key every target holds. */
async function done(scene: Scene, record: RotationRecord): Promise<UserPlan> {
  const created = active(scene.keys, record.newKeyId);
  if (!created) return forgetStale(scene, record);
  const plan = await withCurrent(scene, created);
  const reEnabled = active(scene.keys, record.oldKeyId);
  if (!reEnabled) return plan;
  const note =
    `${reEnabled.id}, which the action retired, is active again (re-enabled by hand?) and is ` +
    'left alone';
  return { ...plan, reason: `${plan.reason}; ${note}` };
}

// --- Recovery ---------------------------------------------------------------------------------

async function finishInterrupted(
  scene: Scene,
  record: RotationRecord,
  complete: Step[],
  base: Pick<UserPlan, 'current' | 'created' | 'holdings'>,
): Promise<UserPlan> {
  const old = base.current;
  const state = old ? 'switched' : 'done';
  const switchedRecord: RotationRecord = { ...record, state, switchedAt: scene.now };
  const mark: Step = { kind: 'write-record', record: switchedRecord, switchedNow: true };
  const steps: Step[] = [...complete, mark];
  const why = `every target holds ${record.newKeyId}: finishing an interrupted rotation`;
  if (!old || !base.created) {
    return { verdict: 'finish', reason: why, steps, ...base };
  }
  const next = await retireWhenSafe(scene, switchedRecord, base.created, old, true);
  // Stryker disable next-line ConditionalExpression: defensive, retiring with the holders known is never blocked today
  const verdict = next.verdict === 'blocked' ? 'blocked' : 'finish';
  return { ...next, verdict, reason: `${why}; ${next.reason}`, steps: [...steps, ...next.steps] };
}

async function undoInterrupted(
  scene: Scene,
  record: RotationRecord,
  created: KeyFact,
): Promise<UserPlan> {
  const used = await scene.facts.lastUse(created);
  const after = record.startedAt.getTime() + IN_PROGRESS_GRACE_MS;
  if (used.lastUsedAt && used.lastUsedAt.getTime() > after) {
    return blocked(
      `no target holds ${describeKey(used, scene.now)}, which an interrupted run created, yet ` +
        'it was used after that run: someone has it, so it is left alone. Delete it by hand if ' +
        'nothing needs it',
    );
  }
  const rest: Scene = { ...scene, keys: scene.keys.filter((key) => key.id !== created.id) };
  const next = await afterForgetting(rest, record.oldKeyId);
  const why = `no target holds ${created.id}: undoing an interrupted rotation`;
  return before([{ kind: 'undo', key: created }], next, why);
}

/** The record's new key is gone or inactive: a person changed the keys mid-rotation. */
async function vanishedNewKey(
  scene: Scene,
  record: RotationRecord,
  someTargetMayHoldIt: boolean,
): Promise<UserPlan> {
  // Stryker disable next-line StringLiteral: unreachable, a record past creating names its new key
  const gone = record.newKeyId ?? 'the new key';
  const old = active(scene.keys, record.oldKeyId);
  if (!someTargetMayHoldIt || !old) {
    const next = await afterForgetting(scene, record.oldKeyId);
    return before([{ kind: 'clear-record' }], next, `${gone} is gone; its record was cleared`);
  }
  // Targets may hold a key that no longer works: a new rotation rewrites every one of them.
  const why = `${gone}, which some targets may hold, is no longer active`;
  return before([{ kind: 'clear-record' }], await rotateWithRoom(scene, old, why));
}

function mixedReason(
  holdings: UserPlan['holdings'] & object,
  created: KeyFact,
  record: RotationRecord,
  oldActive: boolean,
): string {
  const old = record.oldKeyId ?? 'no key';
  const oldWorks = oldActive ? '' : ', which no longer works';
  return (
    `an interrupted rotation left ${created.id} in ` +
    `${describeHolders(holdings, ['new', 'secret-only'])} and ${old} in ` +
    `${describeHolders(holdings, ['old', 'restored'])}${oldWorks}. A secret cannot be read ` +
    'back, so both keys stay active (half-written pairs are completed). To converge, see ' +
    '"Interrupted and partial rotations" in docs/troubleshooting.md'
  );
}

// --- Retirement -------------------------------------------------------------------------------

/**
 * `holdersKnown`: the caller has just seen every target hold (or get) the new key, as when an
 * interrupted rotation is finished; otherwise the stamps are checked for writes since.
 */
async function retireWhenSafe(
  scene: Scene,
  record: RotationRecord,
  created: KeyFact,
  old: KeyFact,
  holdersKnown = false,
): Promise<UserPlan> {
  const { policy, now } = scene;
  const base = { current: old, created };
  const switchedAt = record.switchedAt ?? now;
  const until = new Date(switchedAt.getTime() + policy.overlapHours * HOUR_MS);
  const pending = `retire ${old.id} after ${isoSeconds(until)} once unused for ${policy.overlapHours} h`;
  if (now < until) {
    const why = `${old.id} stays active until ${isoSeconds(until)} (overlap-hours: ${policy.overlapHours}) for runs queued before the switch`;
    return { verdict: 'wait', reason: why, steps: [], pending, ...base };
  }
  const holdingProblem = holdersKnown ? undefined : await targetsNotHolding(scene, record, created);
  if (holdingProblem)
    return { ...blocked(`${holdingProblem}, so ${old.id} is not retired`), ...base };
  const used = policy.overlapHours > 0 ? await scene.facts.lastUse(old) : old;
  if (usedWithinOverlap(used, policy, now)) {
    const why = `${describeKey(used, now)} is still in use, so it stays active until it has been unused for ${policy.overlapHours} h`;
    return { verdict: 'wait', reason: why, steps: [], pending, inUse: used, ...base };
  }
  const doneRecord: RotationRecord = { ...record, state: 'done', switchedAt };
  const retire: Step = { kind: 'retire', key: used, record: doneRecord };
  const next = await withCurrent({ ...scene, keys: afterRetiring(scene, old) }, created);
  const why = `${policy.retireOldKey === 'delete' ? 'deleted' : 'deactivated'} ${describeKey(used, now)}, unused since the switch`;
  const plan = before([retire], next, why);
  return { ...plan, verdict: next.verdict === 'fresh' ? 'retire' : plan.verdict, ...base };
}

/** Why some target may not hold the new key (written by something else, or never), if so. */
async function targetsNotHolding(
  scene: Scene,
  record: RotationRecord,
  created: KeyFact,
): Promise<string | undefined> {
  const stamps = await scene.facts.stamps();
  const foreign = writtenAfter(stamps, record.switchedAt ?? scene.now);
  if (foreign.length > 0) {
    const names = describeHolders(
      foreign.map((target) => ({ target, holding: 'foreign' as const })),
      ['foreign'],
    );
    return `${names} changed after every target got ${created.id}: something else writes them; once they hold ${created.id} again, deactivate the old key yourself`;
  }
  const window = { ...writeWindow(record), until: record.switchedAt ?? scene.now };
  const stale = stamps.filter(
    (s) => s.secretUpdatedAt !== undefined && holdingsOf([s], window)[0]?.holding !== 'new',
  );
  if (stale.length === 0) return undefined;
  const names = describeHolders(
    stale.map((s) => ({ target: s.target, holding: 'old' as const })),
    ['old'],
  );
  return `${names} ha${stale.length === 1 ? 's' : 've'} not been written since the rotation started (added to the config later?) and may hold the old key`;
}

// --- Plans without or after a record ----------------------------------------------------------

/**
 * The key every target got (`switched`, `done`) is no longer active: a person deleted or
 * deactivated it. If every target was written since, they hold what someone else wrote and the
 * keys alone decide. Otherwise a target may still hold the lost key: every target gets a new one
 * (after a `switched` rotation its old key is rotated, to be retired as usual; after `done`, a
 * key turned back on by hand is left alone).
 */
async function forgetStale(scene: Scene, record: RotationRecord): Promise<UserPlan> {
  // Stryker disable next-line StringLiteral: unreachable, a record past creating names its new key
  const gone = record.newKeyId ?? 'the new key';
  const stamps = await scene.facts.stamps();
  if (writtenAfter(stamps, record.switchedAt ?? record.startedAt).length === stamps.length) {
    const why = `the record names ${gone}, which is no longer active, and every target was written since (changed by hand?); the record was cleared`;
    return before([{ kind: 'clear-record' }], await withoutRecord(scene), why);
  }
  const why = `${gone}, which every target got, is no longer active (changed by hand?), so every target gets a new key`;
  const old = record.state === 'switched' ? active(scene.keys, record.oldKeyId) : undefined;
  const next = old
    ? await rotateWithRoom(scene, old, why)
    : await provision(scene, why, record.newKeyId);
  return before([{ kind: 'clear-record' }], next);
}

/**
 * After a record is dropped: the old key it named is still what the targets hold. If that key
 * is gone, no key left is known to be the targets': every target gets a new one.
 */
function afterForgetting(scene: Scene, oldKeyId: string | undefined): Promise<UserPlan> {
  const old = active(scene.keys, oldKeyId);
  if (old) return withCurrent(scene, old);
  if (!oldKeyId) return withoutRecord(scene);
  return provision(scene, `${oldKeyId}, which the targets may hold, is gone`, oldKeyId);
}

async function withoutRecord(scene: Scene): Promise<UserPlan> {
  const { keys, policy, now } = scene;
  const live = keys.filter((key) => key.status === 'Active').sort(newestFirst);
  const [newest, older] = live;
  if (!newest) {
    const provision = await rotateFrom(scene, undefined);
    const oldest = [...keys].sort(newestFirst).at(1);
    return oldest ? before([{ kind: 'delete-for-room', key: oldest }], provision) : provision;
  }
  if (!older) return withCurrent(scene, newest);
  if (!isDue(newest, policy, now) && !isDue(older, policy, now)) {
    const both = `${describeKey(newest, now)} and ${describeKey(older, now)}`;
    return {
      verdict: 'fresh',
      reason: `two active keys, both younger than max-age-days: ${both}`,
      steps: [],
      nextDue: dueDate(older, policy),
    };
  }
  return twoActive(scene, [newest, older], undefined);
}

/** The targets hold `current`: rotate it when due, making room first if needed. */
async function withCurrent(scene: Scene, current: KeyFact): Promise<UserPlan> {
  const { policy, now } = scene;
  if (!isDue(current, policy, now)) {
    const age = ageInDays(current.createdAt, now);
    return {
      verdict: 'fresh',
      reason: `the active key is ${age} days old`,
      steps: [],
      current,
      nextDue: dueDate(current, policy),
    };
  }
  return rotateWithRoom(scene, current);
}

/** Rotates `current`, deleting the other key first when the user has two. */
async function rotateWithRoom(scene: Scene, current: KeyFact, why?: string): Promise<UserPlan> {
  const other = scene.keys.find((key) => key.id !== current.id);
  if (!other) return rotateFrom(scene, current, why);
  if (other.status === 'Inactive') {
    return before([{ kind: 'delete-for-room', key: other }], await rotateFrom(scene, current, why));
  }
  return twoActive(scene, [other], current);
}

/**
 * Two active keys and a rotation that may be due. `candidates` are the keys that may be deleted
 * for room: the one the targets do not hold, or (no record) both.
 */
async function twoActive(
  scene: Scene,
  candidates: readonly KeyFact[],
  current: KeyFact | undefined,
): Promise<UserPlan> {
  const { policy, now } = scene;
  const looked = await Promise.all(scene.keys.map((key) => scene.facts.lastUse(key)));
  const both = looked.map((key) => describeKey(key, now)).join(' and ');
  const held = current
    ? `the targets hold ${current.id}, as the rotation record shows`
    : 'no rotation record says which one the targets hold';
  if (policy.twoActiveKeys === 'fail') {
    return blocked(
      `two active keys, ${both}; ${held}. AWS allows no third key, so nothing was changed. ` +
        'Deactivate the key no longer in use, or set two-active-keys: delete-least-recently-used',
    );
  }
  const chosen = leastRecentlyUsed(looked.filter((k) => candidates.some((c) => c.id === k.id)));
  if (!chosen || usedWithinOverlap(chosen, policy, now)) {
    return blocked(
      `two active keys, ${both}; ${held}. The one that could go was used within ` +
        `overlap-hours (${policy.overlapHours}), so nothing was changed`,
    );
  }
  const rest: Scene = { ...scene, keys: withoutKey(scene.keys, chosen) };
  // Without a record the deleted key may be the one the targets held: every target gets a new
  // key now. The key that stays is not known to be the targets', so the record does not name
  // it and the action never retires it.
  const next = current
    ? await rotateFrom(rest, current)
    : await rotateFrom(
        rest,
        undefined,
        `${chosen.id} was unused for longest and no record says which key the targets hold, so every target gets a new key`,
        chosen.id,
      );
  return before([{ kind: 'delete-for-room', key: chosen }], next);
}

async function rotateFrom(
  scene: Scene,
  old: KeyFact | undefined,
  why?: string,
  replaces: string | undefined = old?.id,
): Promise<UserPlan> {
  const { policy, now } = scene;
  const reason =
    why ??
    (old
      ? `the active key is ${ageInDays(old.createdAt, now)} days old (max-age-days: ${policy.maxAgeDays})`
      : 'the user has no active access key');
  return {
    verdict: 'rotate',
    reason,
    steps: [{ kind: 'rotate', old, replaces, previous: scene.facts.record }],
    current: old,
  };
}

// --- Small helpers ----------------------------------------------------------------------------

function active(keys: readonly KeyFact[], id: string | undefined): KeyFact | undefined {
  return keys.find((key) => key.id === id && key.status === 'Active');
}

/** The keys once `old` is retired: deleted, or still there but inactive. */
function afterRetiring(scene: Scene, old: KeyFact): KeyFact[] {
  if (scene.policy.retireOldKey === 'delete') return withoutKey(scene.keys, old);
  return scene.keys.map((key) =>
    key.id === old.id ? { ...key, status: 'Inactive', lastUsedAt: scene.now } : key,
  );
}

function withoutKey(keys: readonly KeyFact[], gone: KeyFact): KeyFact[] {
  return keys.filter((key) => key.id !== gone.id);
}

/** The rotation's own writes: until it stopped, or (a crash) until no run can still be writing. */
function writeWindow(record: RotationRecord): WriteWindow {
  const until = record.stoppedAt ?? new Date(record.startedAt.getTime() + IN_PROGRESS_GRACE_MS);
  return { from: record.startedAt, until, restoredAt: record.restoredAt };
}

function inGrace(record: RotationRecord, now: Date): boolean {
  return now.getTime() - record.startedAt.getTime() < IN_PROGRESS_GRACE_MS;
}

function inProgress(record: RotationRecord, now: Date): UserPlan {
  const minutes = Math.floor((now.getTime() - record.startedAt.getTime()) / 60_000);
  const after = isoSeconds(new Date(record.startedAt.getTime() + IN_PROGRESS_GRACE_MS));
  return hold(
    `run ${record.run || 'unknown'} started rotating this user ${minutes} min ago (record: ` +
      `${record.state}) and may still be at work, so nothing was changed. Give the workflow a ` +
      `concurrency group; if no other run is active, run again after ${after}`,
  );
}

function blocked(reason: string): UserPlan {
  return { verdict: 'blocked', reason, steps: [] };
}

/** Blocked, and not even expired inactive keys are touched. */
function hold(reason: string): UserPlan {
  return { ...blocked(reason), hold: true };
}

/** `steps` first, then `next`; the reasons read in that order. */
function before(steps: readonly Step[], next: UserPlan, why?: string): UserPlan {
  return {
    ...next,
    reason: why ? `${why}; then ${next.reason}` : next.reason,
    steps: [...steps, ...next.steps],
  };
}
