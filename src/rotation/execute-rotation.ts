/**
 * The rotate step, in the safe order, with the record written before and after each change:
 * record "creating", create, record "writing", verify, write every target, record "switched",
 * and (overlap-hours 0) retire the old key and record "done".
 */
import type { KeyFact, NewKey } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import type { RotationRecord } from './lifecycle-record.js';
import { isoSeconds } from './lifecycle-record.js';
import { retireKeys, rollBack } from './key-steps.js';
import { restoreRecord, writeRecord } from './record-keeping.js';
import { repairOwnTargets } from './self-repair.js';
import type { Step } from './user-plan.js';
import { targetResult, type Finish, type UserRun } from './user-run.js';
import {
  distributionOf,
  partialMessage,
  resultOf,
  writeAllTargets,
  type TargetWrite,
} from './write-targets.js';

type RotateStep = Extract<Step, { kind: 'rotate' }>;

/** The record a rotation writes before it changes any key (making room included). */
export function creatingRecord(run: UserRun, step: RotateStep): RotationRecord {
  return {
    state: 'creating',
    oldKeyId: step.replaces,
    newKeyId: undefined,
    startedAt: run.now(),
    restoredAt: undefined,
    switchedAt: undefined,
    run: run.runId,
  };
}

/** `creating` is already written (carry-out.ts writes it before room is made). */
export async function executeRotation(
  run: UserRun,
  step: RotateStep,
  reason: string,
  creating: RotationRecord,
): Promise<Finish> {
  const key = await createNamedKey(run, step, creating);
  const writing: RotationRecord = { ...creating, state: 'writing', newKeyId: key.id };
  const unverified = await verify(run, key);
  if (unverified) return undo(run, step, writing, key, unverified);
  // Switching to a key that was not verified could sign the retirement with an unpropagated key.
  if (run.policy.verifyNewKey) run.deps.onVerified?.(key);
  const writes = await writeAllTargets(run, key);
  run.journal.targets = writes.map((w) => resultOf(w, key.id));
  const distribution = distributionOf(writes);
  if (distribution === 'all') return switched(run, step.old, writing, reason);
  if (distribution === 'none') return undo(run, step, writing, key, 'no target could be written');
  return partial(run, { step, writing, reason }, key, writes);
}

/** Creates the key and names it in the record; a key the record cannot name is not kept. */
async function createNamedKey(
  run: UserRun,
  step: RotateStep,
  creating: RotationRecord,
): Promise<NewKey> {
  let key: NewKey;
  try {
    key = await run.iam.createKey(run.user.name);
  } catch (error) {
    await restoreRecord(run, step.previous, creating).catch(() => undefined);
    throw error;
  }
  run.journal.newKeyId = key.id;
  run.log(`created ${key.id}`);
  try {
    await writeRecord(run, { ...creating, state: 'writing', newKeyId: key.id });
  } catch (error) {
    const rollback = await rollBack(run, key.id);
    throw new Error(`the rotation record could not be written (${messageOf(error)}); ${rollback}`);
  }
  return key;
}

/** Waits until the key authenticates; returns why not, if it never does. */
async function verify(run: UserRun, key: NewKey): Promise<string | undefined> {
  if (!run.policy.verifyNewKey) return undefined;
  try {
    await run.verifier.waitUntilWorks(run.user.name, key, run.policy.verifyTimeoutSeconds);
    run.log(`${key.id} authenticates`);
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
}

/** No target can hold the key: delete it and put the record back as it was. */
async function undo(
  run: UserRun,
  step: RotateStep,
  writing: RotationRecord,
  key: NewKey,
  why: string,
): Promise<Finish> {
  const rollback = await rollBack(run, key.id);
  if (run.journal.deletedKeyIds.includes(key.id)) await restoreRecord(run, step.previous, writing);
  return { outcome: 'failed', message: `${why}; ${rollback}` };
}

/** Every target holds the new key: record it, then retire the old key now or after the window. */
async function switched(
  run: UserRun,
  old: KeyFact | undefined,
  writing: RotationRecord,
  reason: string,
): Promise<Finish> {
  const switchedAt = run.now();
  const record: RotationRecord = { ...writing, state: old ? 'switched' : 'done', switchedAt };
  await writeRecord(run, record);
  if (!old) return { outcome: 'rotated', message: `rotated: ${reason}` };
  const { overlapHours, retireOldKey } = run.policy;
  if (overlapHours === 0) {
    await retireKeys(run, [old], retireOldKey);
    await writeRecord(run, { ...record, state: 'done' });
    return { outcome: 'rotated', message: `rotated: ${reason}` };
  }
  const until = new Date(switchedAt.getTime() + overlapHours * 3_600_000);
  run.journal.pending = `retire ${old.id} after ${isoSeconds(until)} once unused for ${overlapHours} h`;
  return {
    outcome: 'rotated',
    message: `rotated: ${reason}; ${old.id} stays active until ${isoSeconds(until)} for runs queued before the switch`,
  };
}

/** Some targets hold the new key, some may not: keep both keys, record what happened. */
async function partial(
  run: UserRun,
  { step, writing, reason }: { step: RotateStep; writing: RotationRecord; reason: string },
  key: NewKey,
  writes: readonly TargetWrite[],
): Promise<Finish> {
  const own = run.ownKey;
  if (!own) {
    await writeRecord(run, { ...writing, state: 'partial', stoppedAt: run.now() });
    return { outcome: 'failed', message: partialMessage(run.journal.targets, key.id) };
  }
  const repair = await repairOwnTargets(run, key, writes, own);
  run.journal.targets = repair.writes.map((w) =>
    repair.restored.includes(w) ? targetResult(w.target, 'restored', own.id) : resultOf(w, key.id),
  );
  if (distributionOf(repair.writes) === 'all') return switched(run, step.old, writing, reason);
  const stoppedAt = run.now();
  await writeRecord(run, {
    ...writing,
    state: 'partial',
    restoredAt: repair.restoredAt,
    stoppedAt,
  });
  const restored = repair.restored.length;
  return {
    outcome: 'failed',
    message:
      `${partialMessage(run.journal.targets, key.id)} The action rotates itself: ` +
      `${restored} target(s) hold its old pair again, so the next run can sign in.`,
  };
}
