/** Writing a new key to every target, then retiring the old keys only if all of them hold it. */
import type { NewKey } from '../model/access-key.js';
import { mayHaveStored, messageOf } from '../model/errors.js';
import { describeScope, type Target } from '../model/secret-target.js';
import type { TargetResult } from '../model/user-result.js';
import { retireKeys, rollBack } from './key-steps.js';
import type { Plan } from './plan.js';
import { targetResult, type Finish, type UserRun } from './user-run.js';

export async function distribute(run: UserRun, plan: Plan, key: NewKey): Promise<Finish> {
  const { journal, user } = run;
  journal.targets = await Promise.all(
    user.targets.map((target) => writeTarget(run, target, key, journal.oldKeyId)),
  );
  const written = journal.targets.filter((t) => t.state === 'written').length;
  const touched = journal.targets.filter((t) => t.state !== 'failed').length;
  if (written === user.targets.length) {
    await retireKeys(run, plan.retire, run.policy.retireOldKey);
    return { outcome: 'rotated', message: `rotated: ${plan.reason}` };
  }
  if (touched === 0) {
    const rollback = await rollBack(run, key.id);
    return { outcome: 'failed', message: `no target could be written; ${rollback}` };
  }
  return { outcome: 'failed', message: partialMessage(journal.targets, key) };
}

function partialMessage(targets: readonly TargetResult[], key: NewKey): string {
  const names = (state: TargetResult['state']): string =>
    targets
      .filter((t) => t.state === state)
      .map((t) => t.target)
      .join('; ');
  const failed = names('failed');
  const partial = names('partial');
  return [
    `only some targets hold the new key ${key.id}; both keys stay active and nothing was retired.`,
    failed && `Still on the old key (it works): ${failed}.`,
    partial &&
      `May hold the new secret key with the old key id, which fails until the next run ` +
        `completes the pair: ${partial}.`,
    'Fix the cause shown for each target and run again; see the README on converging.',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Secret key first, key id last: after a crash the id can be read back from IAM, the secret never. */
async function writeTarget(
  run: UserRun,
  target: Target,
  key: NewKey,
  oldKeyId: string | undefined,
): Promise<TargetResult> {
  const where = describeScope(target.scope);
  const secrets = run.secrets();
  try {
    await secrets.write(target, target.secretAccessKeyName, key.secret);
    run.log(`wrote ${target.secretAccessKeyName} to ${where}`);
  } catch (error) {
    // A refusal stored nothing; any other failure may have stored the new secret key, so the
    // new key must not be rolled back for this target.
    const state = mayHaveStored(error) ? 'partial' : 'failed';
    return targetResult(target, state, oldKeyId, messageOf(error));
  }
  try {
    await secrets.write(target, target.accessKeyIdName, key.id);
    run.log(`wrote ${target.accessKeyIdName} (${key.id}) to ${where}`);
    return targetResult(target, 'written', key.id);
  } catch (error) {
    return targetResult(target, 'partial', oldKeyId, messageOf(error));
  }
}
