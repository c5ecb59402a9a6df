/** Every target must be writable before IAM changes: a failure here changes nothing. */
import { messageOf } from '../model/errors.js';
import { targetResult, type Finish, type UserRun } from './user-run.js';

export async function preflight(run: UserRun): Promise<Finish | undefined> {
  const { targets } = run.user;
  const secrets = run.secrets();
  const checks = await Promise.allSettled(targets.map((target) => secrets.preflight(target)));
  const oldKeyId = run.journal.oldKeyId;
  run.journal.targets = targets.map((target, i) => {
    const check = checks[i];
    return check?.status === 'rejected'
      ? targetResult(target, 'failed', oldKeyId, messageOf(check.reason))
      : targetResult(target, 'ready', oldKeyId);
  });
  const failures = checks.flatMap((check) => (check.status === 'rejected' ? [check.reason] : []));
  if (failures.length === 0) return undefined;
  const reasons = failures.map(messageOf).join('; ');
  return {
    outcome: 'failed',
    message: `a target cannot be written, nothing was changed: ${reasons}`,
  };
}
