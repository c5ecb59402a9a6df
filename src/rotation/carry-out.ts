/** Carries out a user's plan, step by step, and says how it ended. */
import { ageInDays } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import { describeTarget, type Target } from '../model/secret-target.js';
import { IN_PROGRESS_GRACE_MS } from './decide.js';
import { deleteKeys, retireKeys } from './key-steps.js';
import { creatingRecord, executeRotation } from './execute-rotation.js';
import type { RotationRecord } from './lifecycle-record.js';
import { clearRecord, recordUnchanged, writeRecord } from './record-keeping.js';
import type { DecidedPlan, Step, Verdict } from './user-plan.js';
import { targetResult, type Finish, type UserRun } from './user-run.js';
import { preflight } from './preflight.js';

const OUTCOME: Record<Exclude<Verdict, 'blocked'>, Finish['outcome']> = {
  fresh: 'fresh',
  rotate: 'rotated',
  finish: 'rotated',
  retire: 'retired',
  wait: 'waiting',
};

const RECORD_CHANGED =
  'the rotation record of this user changed after this run read it: another run is at work on ' +
  'it, so nothing was changed. Give the workflow a concurrency group; the next run decides afresh';

export async function carryOut(run: UserRun, plan: DecidedPlan): Promise<Finish> {
  if (plan.steps.some((step) => step.kind === 'rotate' || step.kind === 'complete-pairs')) {
    const unreachable = await preflight(run);
    if (unreachable) return unreachable;
  }
  // The plan may be minutes old (every user is assessed first): another run may have rotated
  // this user since. Checked last thing before the first change.
  if (plan.steps.length > 0 && !(await recordUnchanged(run, plan.basis))) {
    return { outcome: 'failed', message: RECORD_CHANGED };
  }
  const rotation = plan.steps.find((step) => step.kind === 'rotate');
  let creating: RotationRecord | undefined;
  for (const step of plan.steps) {
    // A rotation is on record before any key changes for it, room included: a crash after
    // making room must not leave targets whose key is gone without a trace.
    if (rotation && !creating && (step.kind === 'delete-for-room' || step.kind === 'rotate')) {
      creating = creatingRecord(run, rotation);
      await writeRecord(run, creating);
    }
    const ended = await carryOutStep(run, step, plan.reason, creating);
    if (ended) return ended;
  }
  if (plan.verdict === 'blocked') return { outcome: 'failed', message: plan.reason };
  return { outcome: OUTCOME[plan.verdict], message: plan.reason };
}

/** Returns how the user's run ended when the step decides it (a rotation, a failed write). */
async function carryOutStep(
  run: UserRun,
  step: Step,
  reason: string,
  creating: RotationRecord | undefined,
): Promise<Finish | undefined> {
  switch (step.kind) {
    case 'clear-record':
      await clearRecord(run);
      return undefined;
    case 'delete-inactive':
      await deleteKeys(run, step.keys);
      return undefined;
    case 'delete-for-room':
      await deleteKeys(run, [step.key]);
      return undefined;
    case 'complete-pairs':
      return completePairs(run, step);
    case 'write-record': {
      const switchedAt = step.switchedNow ? run.now() : step.record.switchedAt;
      await writeRecord(run, { ...step.record, switchedAt });
      return undefined;
    }
    case 'retire':
      await retireKeys(run, [step.key], run.policy.retireOldKey);
      await writeRecord(run, step.record);
      return undefined;
    case 'undo':
      await deleteKeys(run, [step.key]);
      await clearRecord(run);
      return undefined;
    case 'rotate':
      run.journal.oldKeyId = step.old?.id;
      if (step.old) run.journal.oldKeyAgeDays = ageInDays(step.old.createdAt, run.now());
      return executeRotation(run, step, reason, creating ?? creatingRecord(run, step));
  }
}

/**
 * Completes half-written pairs. These writes come after the interrupted run's own, so the record
 * first extends the rotation's window over them (a lease), then closes it once they are done.
 */
async function completePairs(
  run: UserRun,
  step: Extract<Step, { kind: 'complete-pairs' }>,
): Promise<Finish | undefined> {
  const lease = new Date(run.now().getTime() + IN_PROGRESS_GRACE_MS);
  await writeRecord(run, { ...step.record, state: 'partial', stoppedAt: lease });
  const store = run.secrets();
  let failure: Finish | undefined;
  for (const target of step.targets) {
    try {
      await store.write(target, target.accessKeyIdName, step.keyId);
      run.log(`completed the pair in ${describeTarget(target)} with ${step.keyId}`);
      markWritten(run, target, step.keyId);
    } catch (error) {
      markFailed(run, target, messageOf(error));
      const message = `completing a half-written pair failed: ${messageOf(error)}; both keys stay active`;
      failure = { outcome: 'failed', message };
      break;
    }
  }
  await writeRecord(run, { ...step.record, state: 'partial', stoppedAt: run.now() });
  return failure;
}

function markWritten(run: UserRun, target: Target, keyId: string): void {
  run.journal.targets = run.journal.targets.map((t) =>
    t.target === describeTarget(target) ? targetResult(target, 'written', keyId) : t,
  );
}

function markFailed(run: UserRun, target: Target, error: string): void {
  run.journal.targets = run.journal.targets.map((t) =>
    t.target === describeTarget(target) ? targetResult(target, 'partial', undefined, error) : t,
  );
}
