/** A rotation that is due, in the safe order: preflight, room, create, verify, write, retire. */
import type { NewKey } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import { deleteKeys, rollBack } from './key-steps.js';
import type { Plan } from './plan.js';
import { preflight } from './preflight.js';
import type { Finish, UserRun } from './user-run.js';
import { distribute } from './write-targets.js';

export async function executeRotation(run: UserRun, plan: Plan): Promise<Finish> {
  const unreachable = await preflight(run);
  if (unreachable) return unreachable;
  await deleteKeys(run, plan.cleanup);
  if (plan.makeRoom) await deleteKeys(run, [plan.makeRoom]);
  const key = await run.iam.createKey(run.user.name);
  run.journal.newKeyId = key.id;
  run.log(`created ${key.id}`);
  const unverified = await verify(run, key);
  if (unverified) return unverified;
  // Switching to a key that was not verified could sign the retirement with an unpropagated key.
  if (run.policy.verifyNewKey) run.deps.onVerified?.(key);
  return await distribute(run, plan, key);
}

/** A key that never authenticates is deleted again: nothing else has changed yet. */
async function verify(run: UserRun, key: NewKey): Promise<Finish | undefined> {
  if (!run.policy.verifyNewKey) return undefined;
  try {
    await run.verifier.waitUntilWorks(run.user.name, key, run.policy.verifyTimeoutSeconds);
    run.log(`${key.id} authenticates`);
    return undefined;
  } catch (error) {
    const rollback = await rollBack(run, key.id);
    return { outcome: 'failed', message: `${messageOf(error)}; ${rollback}` };
  }
}
