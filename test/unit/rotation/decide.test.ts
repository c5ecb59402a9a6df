/**
 * The decision for one user, state by state of the rotation record. Each case says which steps
 * the engine takes and, as important, which keys it leaves alone.
 */
import { describe, expect, it } from '@jest/globals';
import type { KeyFact } from '../../../src/model/access-key.js';
import type { RotationPolicy } from '../../../src/model/settings.js';
import { IN_PROGRESS_GRACE_MS, decide } from '../../../src/rotation/decide.js';
import type { RotationRecord } from '../../../src/rotation/lifecycle-record.js';
import type { TargetStamps } from '../../../src/rotation/target-holdings.js';
import type { Step, UserPlan } from '../../../src/rotation/user-plan.js';
import { repoTarget } from '../support/engine-world.js';
import { factsOf, recordOf } from '../support/facts.js';
import { DEFAULT_POLICY, NOW, daysAgo, minutesAgo } from '../support/fixtures.js';

const HOURS = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const key = (id: string, status: KeyFact['status'], ageDays: number): KeyFact => ({
  id,
  status,
  createdAt: daysAgo(ageDays),
});
const T1 = repoTarget('a');
const T2 = repoTarget('b');
const stamp = (target = T1, secret?: Date, id: Date | undefined = secret): TargetStamps => ({
  target,
  secretUpdatedAt: secret,
  idUpdatedAt: id,
});

async function plan(
  options: Parameters<typeof factsOf>[0],
  policy: Partial<RotationPolicy> = {},
): Promise<UserPlan & { lookedUp: string[]; stampReads: number }> {
  const facts = factsOf(options);
  const result = await decide(facts, { policy: { ...DEFAULT_POLICY, ...policy }, now: NOW });
  return { ...result, lookedUp: facts.lookedUp, stampReads: facts.stampReads };
}

const kinds = (steps: readonly Step[]) => steps.map((s) => s.kind);
const removed = (steps: readonly Step[]): string[] =>
  steps.flatMap((s) => {
    if (s.kind === 'delete-inactive') return s.keys.map((k) => k.id);
    if (s.kind === 'delete-for-room' || s.kind === 'undo' || s.kind === 'retire') return [s.key.id];
    return [];
  });

describe('decide without a rotation record', () => {
  it('lists two young active keys newest first, whatever order IAM gives', async () => {
    const p = await plan({ keys: [key('A', 'Active', 40), key('B', 'Active', 10)] });
    expect(p.verdict).toBe('fresh');
    expect(p.reason).toBe('two active keys, both younger than max-age-days: B (10 d) and A (40 d)');
  });

  it('with only inactive keys, makes room by deleting the older one', async () => {
    const p = await plan({
      keys: [key('OLD', 'Inactive', 5), key('NEW', 'Inactive', 3)],
      lastUse: { OLD: daysAgo(1), NEW: daysAgo(1) },
    });
    expect(kinds(p.steps)).toEqual(['delete-for-room', 'rotate']);
    expect(removed(p.steps)).toEqual(['OLD']);
  });

  it('provisions a user with no key', async () => {
    const p = await plan({ keys: [] });
    expect([p.verdict, kinds(p.steps)]).toEqual(['rotate', ['rotate']]);
    expect(p.reason).toBe('the user has no active access key');
  });

  it('leaves a fresh key alone and says when it will be due', async () => {
    const p = await plan({ keys: [key('A', 'Active', 10)] });
    expect(p).toMatchObject({
      verdict: 'fresh',
      reason: 'the active key is 10 days old',
      steps: [],
      nextDue: daysAgo(-80),
    });
    expect(p.lookedUp).toEqual([]);
  });

  it('rotates a stale key, making room by deleting an inactive one', async () => {
    const p = await plan({ keys: [key('A', 'Active', 120), key('X', 'Inactive', 3)] });
    expect(kinds(p.steps)).toEqual(['delete-for-room', 'rotate']);
    expect(removed(p.steps)).toEqual(['X']);
    expect(p.reason).toBe('the active key is 120 days old (max-age-days: 90)');
  });

  it('cleans up an inactive key unused for delete-inactive-after-days, and only that', async () => {
    const p = await plan({
      keys: [key('A', 'Active', 10), key('X', 'Inactive', 30)],
      lastUse: { X: daysAgo(8) },
    });
    expect(p.verdict).toBe('fresh');
    expect(removed(p.steps)).toEqual(['X']);
    const recent = await plan({
      keys: [key('A', 'Active', 10), key('X', 'Inactive', 30)],
      lastUse: { X: daysAgo(6) },
    });
    expect(recent.steps).toEqual([]);
  });

  it('calls two fresh active keys fresh: whichever the targets hold is young', async () => {
    const p = await plan({ keys: [key('A', 'Active', 10), key('B', 'Active', 40)] });
    expect(p.verdict).toBe('fresh');
    expect(p.nextDue).toEqual(daysAgo(-50));
  });

  // Issue case 1: a key made outside the action must not be deleted.
  it('fails on a stale key plus a hand-made one, naming both keys and their last use', async () => {
    const p = await plan({
      keys: [key('A', 'Active', 120), key('B', 'Active', 1)],
      lastUse: { A: HOURS(2), B: HOURS(1) },
    });
    expect(p.verdict).toBe('blocked');
    expect(p.steps).toEqual([]);
    expect(p.reason).toContain('B (1 d, last used 2026-06-01T11:00:00Z)');
    expect(p.reason).toContain('A (120 d, last used 2026-06-01T10:00:00Z)');
    expect(p.reason).toContain('no rotation record says which one the targets hold');
  });

  // Issue case 2: adoption; the key pasted into the targets is not the newest.
  it('fails on two active keys without a record whichever is newer', async () => {
    const p = await plan({ keys: [key('A', 'Active', 200), key('B', 'Active', 30)] });
    expect(p.verdict).toBe('blocked');
    expect(removed(p.steps)).toEqual([]);
  });

  it('under delete-least-recently-used deletes only a key unused for overlap-hours', async () => {
    const keys = [key('A', 'Active', 200), key('B', 'Active', 30)];
    const policy = { twoActiveKeys: 'delete-least-recently-used' as const };
    const bothInUse = await plan({ keys, lastUse: { A: HOURS(1), B: HOURS(3) } }, policy);
    expect([bothInUse.verdict, removed(bothInUse.steps)]).toEqual(['blocked', []]);
    expect(bothInUse.reason).toMatch(
      /; no rotation record says which one the targets hold\. The one that could go was used within overlap-hours \(24\), so nothing was changed$/,
    );
    const bIdle = await plan({ keys, lastUse: { A: HOURS(1), B: daysAgo(20) } }, policy);
    // B goes; A, the key in use, is then rotated normally.
    expect(kinds(bIdle.steps)).toEqual(['delete-for-room', 'rotate']);
    expect(removed(bIdle.steps)).toEqual(['B']);
    expect(bIdle.reason).toBe(
      'B was unused for longest and no record says which key the targets hold, so every target gets a new key',
    );
  });
});

describe('decide with a done record (the last rotation finished)', () => {
  const done = recordOf({
    state: 'done',
    oldKeyId: 'A',
    newKeyId: 'B',
    startedAt: daysAgo(30),
    switchedAt: daysAgo(30),
  });

  // Issue case 3: a key a person re-enabled stays on.
  it('leaves a re-enabled old key alone while the targets key is fresh', async () => {
    const p = await plan({ keys: [key('A', 'Active', 120), key('B', 'Active', 30)], record: done });
    expect(p.verdict).toBe('fresh');
    expect(p.steps).toEqual([]);
    expect(p.reason).toMatch(/A, which the action retired, is active again .* left alone/);
  });

  it('fails when the targets key is due and the re-enabled one is still there', async () => {
    const p = await plan({ keys: [key('A', 'Active', 200), key('B', 'Active', 95)], record: done });
    expect(p.verdict).toBe('blocked');
    expect(p.reason).toContain('the targets hold B, as the rotation record shows');
  });

  it('under delete-least-recently-used deletes the idle re-enabled key, never the targets key', async () => {
    const p = await plan(
      {
        keys: [key('A', 'Active', 200), key('B', 'Active', 95)],
        record: done,
        lastUse: { A: daysAgo(20), B: HOURS(1) },
      },
      { twoActiveKeys: 'delete-least-recently-used' },
    );
    expect(kinds(p.steps)).toEqual(['delete-for-room', 'rotate']);
    expect(removed(p.steps)).toEqual(['A']);
    expect(p.current?.id).toBe('B');
  });

  it('rotates the targets key when due, deleting the inactive old one for room', async () => {
    const p = await plan({
      keys: [key('A', 'Inactive', 200), key('B', 'Active', 95)],
      record: done,
      lastUse: { A: daysAgo(2) },
    });
    expect(kinds(p.steps)).toEqual(['delete-for-room', 'rotate']);
    expect(p.current?.id).toBe('B');
  });

  it('forgets a record whose key is gone from every target, and then decides without it', async () => {
    // A person finished a rotation by hand: C pasted into every target, B deleted.
    const p = await plan({
      keys: [key('C', 'Active', 10)],
      record: done,
      stamps: [stamp(T1, daysAgo(10)), stamp(T2, daysAgo(10))],
    });
    expect(kinds(p.steps)).toEqual(['clear-record']);
    expect(p.verdict).toBe('fresh');
    expect(p.reason).toMatch(
      /^the record names B, which is no longer active, and every target was written since \(changed by hand\?\); the record was cleared/,
    );
  });

  it('writes a new key to every target when a target may still hold the key that is gone', async () => {
    // A person deactivated B, which the targets hold, and made C for something else.
    const p = await plan({
      keys: [key('B', 'Inactive', 30), key('C', 'Active', 1)],
      record: done,
      stamps: [stamp(T1, daysAgo(30)), stamp(T2, daysAgo(10))],
      lastUse: { B: daysAgo(1) },
    });
    expect(kinds(p.steps)).toEqual(['clear-record', 'delete-for-room', 'rotate']);
    expect(removed(p.steps)).toEqual(['B']);
    expect(p.reason).toMatch(/B, which every target got, is no longer active/);
    // Named as replaced: a crash after making room leaves the record a trace of it.
    expect(p.steps[2]).toMatchObject({ kind: 'rotate', old: undefined, replaces: 'B' });
  });

  it('makes room by deleting the inactive key wherever IAM lists it', async () => {
    const p = await plan({
      keys: [key('C', 'Active', 1), key('B', 'Inactive', 30)],
      record: done,
      stamps: [stamp(T1, daysAgo(30)), stamp(T2, daysAgo(10))],
      lastUse: { B: daysAgo(1) },
    });
    expect(removed(p.steps)).toEqual(['B']);
  });

  it('leaves two active keys to the two-active-keys policy when the targets key is gone', async () => {
    // B, which every target got, was deleted; A was re-enabled and C made by people.
    const p = await plan({
      keys: [key('A', 'Active', 200), key('C', 'Active', 1)],
      record: done,
      stamps: [stamp(T1, daysAgo(30)), stamp(T2, daysAgo(30))],
    });
    expect([p.verdict, removed(p.steps)]).toEqual(['blocked', []]);
    expect(p.reason).toMatch(/two active keys, A .* and C /);
  });

  it('deletes the old key once it has been inactive and unused long enough', async () => {
    const p = await plan({
      keys: [key('A', 'Inactive', 200), key('B', 'Active', 30)],
      record: done,
      lastUse: { A: daysAgo(20) },
    });
    expect([p.verdict, removed(p.steps)]).toEqual(['fresh', ['A']]);
  });

  it('leaves a re-enabled old key alone when the key that is gone is replaced', async () => {
    const p = await plan({
      keys: [key('A', 'Active', 200)],
      record: done,
      stamps: [stamp(T1, daysAgo(30))],
    });
    expect(kinds(p.steps)).toEqual(['clear-record', 'rotate']);
    expect(p.steps[1]).toMatchObject({ kind: 'rotate', old: undefined });
  });
});

describe('decide with an interrupted rotation', () => {
  const started = minutesAgo(90);
  const writing = recordOf({ state: 'writing', oldKeyId: 'A', newKeyId: 'B', startedAt: started });
  const keys = [key('A', 'Active', 120), { ...key('B', 'Active', 0), createdAt: started }];
  const after = new Date(started.getTime() + 60_000);

  it('never deletes as expired an inactive key some target may hold, while still writing', async () => {
    const p = await plan({
      keys: [key('A', 'Inactive', 120), keys[1]!],
      record: writing,
      stamps: [stamp(T1, after), stamp(T2, daysAgo(120))],
      lastUse: { A: daysAgo(30) },
    });
    expect(removed(p.steps)).toEqual([]);
    expect(p.reason).toMatch(/A in octo\/b .*, which no longer works/);
  });

  it.each(['writing', 'partial'] as const)(
    'never deletes as expired the new key of an unfinished rotation (%s) a person deactivated',
    async (state) => {
      const begun = daysAgo(20);
      const p = await plan({
        keys: [{ ...key('B', 'Inactive', 20), createdAt: begun }],
        record: { ...writing, state, startedAt: begun, stoppedAt: begun },
        lastUse: { B: null },
        stamps: [stamp(T1, new Date(begun.getTime() + 30_000))],
      });
      expect(kinds(p.steps)).toEqual(['clear-record', 'rotate']);
      expect(removed(p.steps)).toEqual([]);
    },
  );

  it('still deletes another expired inactive key during an unfinished rotation', async () => {
    const p = await plan({
      keys: [key('A', 'Active', 120), key('X', 'Inactive', 60)],
      record: { ...writing, state: 'partial', startedAt: daysAgo(20), stoppedAt: daysAgo(20) },
      lastUse: { X: daysAgo(50) },
      stamps: [stamp(T1, daysAgo(50))],
    });
    expect(p.lookedUp).toEqual(['X']);
    expect(removed(p.steps)).toContain('X');
  });

  it('says "no key" for the targets of a user that had none, when only some got the new one', async () => {
    const provisioning = { ...writing, oldKeyId: undefined };
    const p = await plan({
      keys: [keys[1]!],
      record: provisioning,
      stamps: [stamp(T1, after), stamp(T2, undefined)],
    });
    expect(p.verdict).toBe('blocked');
    expect(p.reason).toMatch(
      /^an interrupted rotation left B in octo\/a .* and no key in octo\/b /,
    );
  });

  it('leaves a rotation that may be in progress completely alone', async () => {
    const young = { ...writing, startedAt: minutesAgo(5) };
    const p = await plan({
      keys: [...keys, key('X', 'Inactive', 40)],
      record: young,
      lastUse: { X: daysAgo(30) },
    });
    expect([p.verdict, p.steps, p.hold]).toEqual(['blocked', [], true]);
    expect(p.reason).toMatch(/may still be at work.*run again after 2026-06-01T12:55:00Z/);
    expect(IN_PROGRESS_GRACE_MS).toBe(3_600_000);
  });

  it('leaves a run that may still be creating its key alone, and the key it just made', async () => {
    const creating = recordOf({ state: 'creating', oldKeyId: 'A', startedAt: minutesAgo(59) });
    const p = await plan({
      keys: [key('A', 'Active', 120), { ...key('B', 'Active', 0), createdAt: minutesAgo(58) }],
      record: creating,
    });
    expect([p.verdict, p.steps, p.hold]).toEqual(['blocked', [], true]);
    expect(p.reason).toMatch(
      /^run octo\/ops\/1\/1 started rotating this user 59 min ago \(record: creating\) and may still be at work/,
    );
  });

  it('takes a run that started creating its key an hour ago as stopped', async () => {
    const creating = recordOf({ state: 'creating', oldKeyId: 'A', startedAt: minutesAgo(60) });
    const p = await plan({ keys: [key('A', 'Active', 120)], record: creating });
    expect(kinds(p.steps)).toEqual(['clear-record', 'rotate']);
  });

  it('finishes when every target holds the new key, completing half-written pairs', async () => {
    const p = await plan({
      keys,
      record: writing,
      stamps: [stamp(T1, after), stamp(T2, after, daysAgo(120))],
    });
    expect(p.verdict).toBe('finish');
    expect(p.steps[0]).toMatchObject({ kind: 'complete-pairs', targets: [T2], keyId: 'B' });
    expect(p.steps[1]).toMatchObject({
      kind: 'write-record',
      record: { state: 'switched' },
      switchedNow: true,
    });
    // The old key waits out the overlap window from now on.
    expect(removed(p.steps)).toEqual([]);
    expect(p.pending).toMatch(/^retire A after 2026-06-02T12:00:00Z/);
    expect(p.reason).toMatch(
      /^every target holds B: finishing an interrupted rotation; A stays active until /,
    );
  });

  it('with overlap-hours 0 finishes and retires at once, the holders known from this run', async () => {
    const p = await plan(
      { keys, record: writing, stamps: [stamp(T1, after), stamp(T2, after, daysAgo(120))] },
      { overlapHours: 0 },
    );
    expect(p.verdict).toBe('finish');
    expect(kinds(p.steps)).toEqual(['complete-pairs', 'write-record', 'retire']);
    expect(p.stampReads).toBe(1);
  });

  it('undoes a key no target holds, then rotates the stale key again', async () => {
    const p = await plan({
      keys,
      record: writing,
      stamps: [stamp(T1, daysAgo(120)), stamp(T2, undefined)],
      lastUse: { B: new Date(started.getTime() + 5000) },
    });
    expect(kinds(p.steps)).toEqual(['undo', 'rotate']);
    expect(removed(p.steps)).toEqual(['B']);
    // The targets still hold A: it is the key the new rotation replaces.
    expect(p.steps[1]).toMatchObject({ kind: 'rotate', old: { id: 'A' } });
    expect(p.reason).toMatch(/^no target holds B: undoing an interrupted rotation; /);
  });

  it('undoes a key last used no later than an hour after the interrupted run started', async () => {
    const p = await plan({
      keys,
      record: writing,
      stamps: [stamp(T1, daysAgo(120))],
      lastUse: { B: new Date(started.getTime() + IN_PROGRESS_GRACE_MS) },
    });
    expect(kinds(p.steps)).toEqual(['undo', 'rotate']);
  });

  it('keeps a key no target holds when it was used after the interrupted run', async () => {
    const p = await plan({
      keys,
      record: writing,
      stamps: [stamp(T1, daysAgo(120))],
      lastUse: { B: HOURS(0.1) },
    });
    expect([p.verdict, removed(p.steps)]).toEqual(['blocked', []]);
    expect(p.reason).toMatch(
      /^no target holds B \(0 d, last used 2026-06-01T11:54:00Z\), which an interrupted run created, yet it was used after that run: someone has it, so it is left alone\. Delete it by hand if nothing needs it$/,
    );
  });

  it('never deletes as expired an inactive key some target may hold', async () => {
    const partial = { ...writing, state: 'partial' as const, stoppedAt: after };
    const p = await plan({
      keys: [key('A', 'Inactive', 120), keys[1]!],
      record: partial,
      stamps: [stamp(T1, after), stamp(T2, daysAgo(120))],
      lastUse: { A: daysAgo(30) },
    });
    expect(p.verdict).toBe('blocked');
    expect(removed(p.steps)).toEqual([]);
    expect(p.reason).toMatch(/A in octo\/b .*, which no longer works/);
  });

  it('stays stuck, with both keys active, when the targets disagree', async () => {
    const p = await plan({
      keys,
      record: writing,
      stamps: [stamp(T1, after), stamp(T2, daysAgo(120))],
    });
    expect(p.verdict).toBe('blocked');
    expect(removed(p.steps)).toEqual([]);
    expect(p.reason).toMatch(
      /and A in octo\/b \(Actions\): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY\. A secret cannot be read back, so both keys stay active \(half-written pairs are completed\)\. To converge, see "Interrupted and partial rotations" in docs\/troubleshooting\.md$/,
    );
  });

  it('touches nothing when something else wrote a key id', async () => {
    const p = await plan({
      keys,
      record: writing,
      stamps: [stamp(T1, daysAgo(120), after), stamp(T2, after)],
    });
    expect([p.verdict, p.steps]).toEqual(['blocked', []]);
    expect(p.reason).toBe(
      'octo/a (Actions): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY changed in a way the rotation ' +
        'of B did not make (a key id written without its secret key, or a secret written after ' +
        'the rotation stopped): something else writes these secrets. Nothing was changed; once ' +
        'they hold a working pair, remove the key-rotation:* tags of the user',
    );
  });

  it('counts targets written back to the old pair after a failed self-rotation as old', async () => {
    const restoredAt = new Date(started.getTime() + 120_000);
    const p = await plan({
      keys,
      record: { ...writing, state: 'partial', restoredAt },
      stamps: [stamp(T1, after), stamp(T2, new Date(restoredAt.getTime() + 3000), after)],
    });
    expect(p.holdings?.map((h) => h.holding)).toEqual(['new', 'restored']);
    expect(p.verdict).toBe('blocked');
  });

  it('rotates again when the record names a new key that is gone but targets may hold it', async () => {
    const p = await plan({
      keys: [key('A', 'Active', 120)],
      record: writing,
      stamps: [stamp(T1, after)],
    });
    expect(kinds(p.steps)).toEqual(['clear-record', 'rotate']);
    expect(p.reason).toMatch(/^B, which some targets may hold, is no longer active/);
  });

  it('clears the record of a new key that is gone and that no target got', async () => {
    for (const held of [[stamp(T1, daysAgo(120))], [stamp(T1, undefined)]]) {
      const p = await plan({ keys: [key('A', 'Active', 120)], record: writing, stamps: held });
      expect(kinds(p.steps)).toEqual(['clear-record', 'rotate']);
      expect(p.reason).toMatch(/^B is gone; its record was cleared/);
    }
    const halfWritten = await plan({
      keys: [key('A', 'Active', 120)],
      record: writing,
      stamps: [stamp(T1, after, daysAgo(120))],
    });
    expect(halfWritten.reason).toMatch(/^B, which some targets may hold, is no longer active/);
  });

  it('after a crash while creating: leaves an unnamed new key alone', async () => {
    const creating = recordOf({ state: 'creating', oldKeyId: 'A', startedAt: started });
    const p = await plan({ keys, record: creating });
    expect([p.verdict, removed(p.steps)]).toEqual(['blocked', []]);
    expect(p.reason).toMatch(/B, created since, is not named by its record/);
  });

  it('after a crash before the key existed: clears the record and rotates', async () => {
    const creating = recordOf({ state: 'creating', oldKeyId: 'A', startedAt: started });
    const p = await plan({ keys: [key('A', 'Active', 120)], record: creating });
    expect(kinds(p.steps)).toEqual(['clear-record', 'rotate']);
    expect(p.reason).toMatch(
      /^run octo\/ops\/1\/1 stopped before creating a key; its record was cleared/,
    );
  });

  describe('a crash while creating: which keys count as made since', () => {
    const creating = recordOf({ state: 'creating', oldKeyId: 'A', startedAt: started });
    const made = (id: string, at: Date, status: KeyFact['status'] = 'Active'): KeyFact => ({
      id,
      status,
      createdAt: at,
    });
    const SINCE = new Date(started.getTime() - 2_000);

    it('an active key made from 2 s before the start on, other than the old key', async () => {
      const atLimit = await plan({
        keys: [key('A', 'Active', 120), made('B', SINCE)],
        record: creating,
      });
      expect(atLimit.verdict).toBe('blocked');
      expect(atLimit.reason).toMatch(/; B, created since, is not named by its record/);
      const before = new Date(SINCE.getTime() - 1);
      const earlier = await plan({
        keys: [key('A', 'Active', 120), made('B', before)],
        record: creating,
      });
      expect(earlier.reason).not.toMatch(/created since/);
    });

    it('not an inactive key, and not the old key however young', async () => {
      const inactive = await plan({
        keys: [key('A', 'Active', 120), made('B', started, 'Inactive')],
        record: creating,
        lastUse: { B: null },
      });
      expect(inactive.reason).not.toMatch(/created since/);
      expect(kinds(inactive.steps)[0]).toBe('clear-record');
      const youngOld = await plan({ keys: [made('A', started)], record: creating });
      expect(kinds(youngOld.steps)).toEqual(['clear-record']);
    });

    it('names every such key', async () => {
      const p = await plan({ keys: [made('B', started), made('C', started)], record: creating });
      expect(p.reason).toMatch(
        /; B, C, created since, is not named by its record.*If nothing uses B, C, delete it/,
      );
    });
  });

  it('after a crash before the first key of a user existed: rotates without naming an old key', async () => {
    const first = recordOf({ state: 'creating', oldKeyId: undefined, startedAt: started });
    const p = await plan({ keys: [], record: first });
    expect(kinds(p.steps)).toEqual(['clear-record', 'rotate']);
    expect(p.reason).not.toMatch(/which the targets may hold/);
  });

  it('after a crash, a recorded old key a person deleted is named as what the targets may hold', async () => {
    const creating = recordOf({ state: 'creating', oldKeyId: 'A', startedAt: started });
    const p = await plan({ keys: [], record: creating });
    expect(kinds(p.steps)).toEqual(['clear-record', 'rotate']);
    expect(p.reason).toMatch(/; then A, which the targets may hold, is gone$/);
    expect(p.steps[1]).toMatchObject({ kind: 'rotate', replaces: 'A' });
  });

  it('names a run the record does not name as unknown', async () => {
    const creating = recordOf({ state: 'creating', oldKeyId: 'A', startedAt: started, run: '' });
    const unnamed = await plan({ keys, record: creating });
    expect(unnamed.reason).toMatch(/^run unknown stopped while creating a key \(started /);
    const young = { ...creating, startedAt: minutesAgo(5) };
    const inProgress = await plan({ keys, record: young });
    expect(inProgress.reason).toMatch(/^run unknown started rotating this user 5 min ago/);
    const before = await plan({ keys: [key('A', 'Active', 120)], record: creating });
    expect(before.reason).toMatch(/^run unknown stopped before creating a key/);
  });

  it('refuses a record it cannot read, touching nothing', async () => {
    const facts = factsOf({ keys });
    const broken = { ...facts, record: { kind: 'unreadable' as const, problem: 'state "x"' } };
    const p = await decide(broken, { policy: DEFAULT_POLICY, now: NOW });
    expect([p.verdict, p.steps, p.hold]).toEqual(['blocked', [], true]);
    expect(p.reason).toBe(
      'the rotation record on this user cannot be read (state "x"); nothing was changed. ' +
        'Remove its key-rotation:* tags to reset it (see docs/failures-and-recovery.md)',
    );
  });
});

describe('decide after the switch: the overlap window and usage evidence', () => {
  const switchedAt = HOURS(30);
  const record: RotationRecord = recordOf({
    state: 'switched',
    oldKeyId: 'A',
    newKeyId: 'B',
    startedAt: new Date(switchedAt.getTime() - 60_000),
    switchedAt,
  });
  const keys = [key('A', 'Active', 120), { ...key('B', 'Active', 0), createdAt: switchedAt }];
  const held = [stamp(T1, switchedAt), stamp(T2, switchedAt)];

  it('calls the rotation done when there was no old key to retire', async () => {
    const provisioned = { ...record, oldKeyId: undefined };
    const p = await plan({ keys: [keys[1]!], record: provisioned, stamps: held });
    expect(p.steps[0]).toMatchObject({ kind: 'write-record', record: { state: 'done' } });
    expect(p.reason).toMatch(/^the old key is no longer active; the rotation is done/);
  });

  it('waits for the window: runs queued before the switch still carry the old key', async () => {
    const p = await plan({ keys, record, stamps: held }, { overlapHours: 48 });
    expect([p.verdict, p.steps]).toEqual(['wait', []]);
    expect(p.reason).toMatch(/A stays active until 2026-06-02T06:00:00Z \(overlap-hours: 48\)/);
    expect(p.lookedUp).toEqual([]);
    expect([p.current?.id, p.created?.id]).toEqual(['A', 'B']);
  });

  it('keeps an old key used within the window, and says where', async () => {
    const p = await plan({ keys, record, stamps: held, lastUse: { A: HOURS(3) } });
    expect(p.verdict).toBe('wait');
    expect(p.inUse?.id).toBe('A');
    expect(p.reason).toMatch(/A \(120 d, last used 2026-06-01T09:00:00Z\) is still in use/);
  });

  it('retires the old key once the window has passed and it has been unused as long', async () => {
    const p = await plan({ keys, record, stamps: held, lastUse: { A: HOURS(29) } });
    expect(p.verdict).toBe('retire');
    expect(p.steps).toEqual([
      expect.objectContaining({
        kind: 'retire',
        record: expect.objectContaining({ state: 'done' }),
      }),
    ]);
    expect(removed(p.steps)).toEqual(['A']);
    expect(p.reason).toMatch(
      /^deactivated A \(120 d, last used 2026-05-31T07:00:00Z\), unused since the switch/,
    );
    const deleting = await plan(
      { keys, record, stamps: held, lastUse: { A: HOURS(29) } },
      { retireOldKey: 'delete' },
    );
    expect(deleting.reason).toMatch(/^deleted A \(/);
  });

  it('retires the old key, then rotates a new key that is due itself', async () => {
    const longAgo = daysAgo(100);
    const facts = {
      keys: [key('A', 'Active', 200), { ...key('B', 'Active', 100), createdAt: longAgo }],
      record: { ...record, startedAt: longAgo, switchedAt: longAgo },
      stamps: [stamp(T1, longAgo), stamp(T2, longAgo)],
      lastUse: { A: daysAgo(99) },
    };
    const p = await plan(facts);
    expect(kinds(p.steps)).toEqual(['retire', 'delete-for-room', 'rotate']);
    expect(p.verdict).toBe('rotate');
    // A deleted old key leaves room: nothing more to delete before the next key.
    const deleting = await plan(facts, { retireOldKey: 'delete' });
    expect(kinds(deleting.steps)).toEqual(['retire', 'rotate']);
  });

  it('retires although a target has no secrets at all (nothing there holds the old key)', async () => {
    const p = await plan({
      keys,
      record,
      stamps: [stamp(T1, switchedAt), stamp(T2, undefined)],
      lastUse: { A: HOURS(29) },
    });
    expect(removed(p.steps)).toEqual(['A']);
  });

  it('does not retire while a target was written by something else after the switch', async () => {
    const p = await plan({ keys, record, stamps: [stamp(T1, switchedAt), stamp(T2, HOURS(2))] });
    expect([p.verdict, removed(p.steps)]).toEqual(['blocked', []]);
    expect(p.reason).toMatch(/octo\/b .* changed after every target got B/);
  });

  it('does not retire while a target added later may hold the old key', async () => {
    const p = await plan({ keys, record, stamps: [stamp(T1, switchedAt), stamp(T2, daysAgo(50))] });
    expect([p.verdict, removed(p.steps)]).toEqual(['blocked', []]);
    expect(p.reason).toBe(
      'octo/b (Actions): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY has not been written since ' +
        'the rotation started (added to the config later?) and may hold the old key, so A is not retired',
    );
    const both = await plan({
      keys,
      record,
      stamps: [stamp(T1, daysAgo(50)), stamp(T2, daysAgo(50))],
    });
    expect(both.reason).toMatch(/; octo\/b .* have not been written since the rotation started/);
  });

  it('with overlap-hours 0 retires without waiting or looking up last use', async () => {
    const p = await plan(
      { keys, record: { ...record, switchedAt: NOW }, stamps: held },
      { overlapHours: 0 },
    );
    expect(p.verdict).toBe('retire');
    expect(p.lookedUp).toEqual([]);
  });

  it('rotates the old key again, to be retired, when the new key is gone from every target', async () => {
    const p = await plan({
      keys: [keys[0]!, { ...keys[1]!, status: 'Inactive' }],
      record,
      stamps: held,
    });
    expect(kinds(p.steps)).toEqual(['clear-record', 'delete-for-room', 'rotate']);
    expect(p.steps[2]).toMatchObject({ kind: 'rotate', old: { id: 'A' } });
  });

  it('marks the rotation done when a person already retired the old key', async () => {
    const p = await plan({
      keys: [key('A', 'Inactive', 120), keys[1]!],
      record,
      stamps: held,
      lastUse: { A: HOURS(20) },
    });
    expect(p.steps[0]).toMatchObject({ kind: 'write-record', record: { state: 'done' } });
    expect(p.verdict).toBe('fresh');
  });
});
