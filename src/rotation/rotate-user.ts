/** One user, start to end: recover what a crashed run left, plan, then carry the plan out. */
import { ageInDays, type KeyFact } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import type { UserSpec } from '../model/settings.js';
import type { UserResult } from '../model/user-result.js';
import { planDryRun } from './dry-run.js';
import { executeRotation } from './execute-rotation.js';
import type { Recovery } from './interrupted-rotation.js';
import { deleteKeys } from './key-steps.js';
import { keysNeedingLastUse, planRotation, type Plan } from './plan.js';
import type { RotationDeps, RotationOptions } from './ports.js';
import { recoverInterrupted } from './recover-interrupted.js';
import { resultOf, startUserRun, targetResult, type Finish, type UserRun } from './user-run.js';

export async function rotateUser(
  user: UserSpec,
  deps: RotationDeps,
  options: RotationOptions,
): Promise<UserResult> {
  const run = startUserRun(user, deps, options);
  let finish: Finish;
  try {
    finish = await rotateOrRecover(run);
  } catch (error) {
    finish = { outcome: 'failed', message: messageOf(error) };
  }
  return resultOf(run, finish);
}

async function rotateOrRecover(run: UserRun): Promise<Finish> {
  const listed = await run.iam.listKeys(run.user.name);
  const recovered = await recoverInterrupted(run, listed);
  if (recovered.kind === 'done') return recovered.finish;
  const plan = await planUser(run, recovered.keys);
  run.log(`${plan.action}: ${plan.reason}`);
  const { recovery } = recovered;
  if (recovery?.kind === 'finish' && plan.action === 'fresh') {
    return finishedEarlier(run, recovery, plan);
  }
  run.journal.oldKeyId = plan.current?.id;
  if (plan.current) run.journal.oldKeyAgeDays = ageInDays(plan.current.createdAt, run.now());
  const finish = await carryOut(run, plan);
  // Say what recovery did first: the plan alone would not explain the extra key changes.
  return recovery ? { ...finish, message: `${recovery.reason}; then ${finish.message}` } : finish;
}

/** Looks up last use only for the keys whose fate depends on it, then plans. */
async function planUser(run: UserRun, keys: KeyFact[]): Promise<Plan> {
  const now = run.now();
  const lookups = new Set(keysNeedingLastUse(keys, run.policy, now).map((key) => key.id));
  const facts = await Promise.all(
    keys.map(async (key): Promise<KeyFact> =>
      lookups.has(key.id) ? { ...key, lastUsedAt: await run.iam.lastUsed(key.id) } : key,
    ),
  );
  return planRotation(facts, run.policy, now);
}

/** A crashed run had written every target; this run retired its old key. */
async function finishedEarlier(run: UserRun, recovery: Recovery, plan: Plan): Promise<Finish> {
  const { journal } = run;
  journal.oldKeyId = recovery.older.id;
  journal.oldKeyAgeDays = ageInDays(recovery.older.createdAt, run.now());
  journal.newKeyId = recovery.newest.id;
  journal.targets = run.user.targets.map((t) => targetResult(t, 'written', recovery.newest.id));
  if (!run.dryRun) await deleteKeys(run, plan.cleanup);
  const verb = run.dryRun ? 'would finish' : 'finished';
  return {
    outcome: run.dryRun ? 'would-rotate' : 'rotated',
    message: `${verb} an interrupted rotation: every target holds ${recovery.newest.id}`,
  };
}

async function carryOut(run: UserRun, plan: Plan): Promise<Finish> {
  if (plan.action === 'blocked') return { outcome: 'failed', message: plan.reason };
  if (plan.action === 'fresh') {
    if (run.dryRun) {
      const steps = plan.cleanup.map((key) => `delete inactive key ${key.id}`);
      return { outcome: 'fresh', message: [plan.reason, ...steps].join('; would ') };
    }
    await deleteKeys(run, plan.cleanup);
    return { outcome: 'fresh', message: plan.reason };
  }
  return run.dryRun ? await planDryRun(run, plan) : await executeRotation(run, plan);
}
