/** Every target must be writable before IAM changes: a failure here changes nothing. */
import { messageOf } from '../model/errors.js';
import { targetResult, type Finish, type UserRun } from './user-run.js';

export async function preflight(run: UserRun): Promise<Finish | undefined> {
  const { targets } = run.user;
  const secrets = run.secrets();
  const checks = await Promise.allSettled(targets.map((target) => secrets.preflight(target)));
  const failures = checks.flatMap((check) => (check.status === 'rejected' ? [check.reason] : []));
  // A check reads no secret: what each target holds stays unsaid. What the record already told
  // (an interrupted rotation's holdings) is kept when every check passes.
  if (failures.length === 0 && run.journal.targets.length > 0) return undefined;
  run.journal.targets = targets.map((target, i) => {
    const check = checks[i];
    return check?.status === 'rejected'
      ? targetResult(target, 'failed', undefined, messageOf(check.reason))
      : targetResult(target, 'ready', undefined);
  });
  if (failures.length === 0) return undefined;
  const reasons = failures.map(messageOf).join('; ');
  return {
    outcome: 'failed',
    message: `a target cannot be written, nothing was changed: ${reasons}`,
  };
}
