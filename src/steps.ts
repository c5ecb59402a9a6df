/** Small IAM and GitHub steps shared by rotation and recovery; each records what it did. */
import { requireStore, type RotationDeps } from './deps.js';
import { errorMessage } from './errors.js';
import { targetResult, type Finish, type Journal } from './journal.js';
import type { KeyFact, RetireAction, Target } from './types.js';

/** Every target must be writable before IAM changes: a failure here changes nothing. */
export async function preflight(
  targets: readonly Target[],
  deps: RotationDeps,
  journal: Journal,
): Promise<Finish | undefined> {
  const secrets = requireStore(deps);
  const checks = await Promise.allSettled(targets.map((target) => secrets.preflight(target)));
  journal.targets = targets.map((target, i) => {
    const check = checks[i];
    return check?.status === 'rejected'
      ? targetResult(target, 'failed', journal.oldKeyId, errorMessage(check.reason))
      : targetResult(target, 'ready', journal.oldKeyId);
  });
  const failures = checks.flatMap((check) => (check.status === 'rejected' ? [check.reason] : []));
  if (failures.length === 0) return undefined;
  const reasons = failures.map(errorMessage).join('; ');
  return {
    outcome: 'failed',
    message: `a target cannot be written, nothing was changed: ${reasons}`,
  };
}

export async function deleteKeys(
  user: string,
  keys: readonly KeyFact[],
  deps: RotationDeps,
  journal: Journal,
): Promise<void> {
  for (const key of keys) {
    await deps.iam.deleteKey(user, key.id);
    journal.deletedKeyIds.push(key.id);
    deps.log(`${user}: deleted ${key.status.toLowerCase()} key ${key.id}`);
  }
}

/** Deactivate (reversible, AWS's advice) or delete, as `retire-old-key` says. */
export async function retireKeys(
  user: string,
  keys: readonly KeyFact[],
  action: RetireAction,
  deps: RotationDeps,
  journal: Journal,
): Promise<void> {
  for (const key of keys) {
    if (action === 'delete') {
      await deps.iam.deleteKey(user, key.id);
      journal.deletedKeyIds.push(key.id);
    } else {
      await deps.iam.setStatus(user, key.id, 'Inactive');
      journal.deactivatedKeyIds.push(key.id);
    }
    deps.log(`${user}: ${action === 'delete' ? 'deleted' : 'deactivated'} ${key.id}`);
  }
}

/** Deletes a key no target holds; says so, or says what a person must do. */
export async function rollBack(
  user: string,
  keyId: string,
  deps: RotationDeps,
  journal: Journal,
): Promise<string> {
  try {
    await deps.iam.deleteKey(user, keyId);
    journal.deletedKeyIds.push(keyId);
    return `the new key ${keyId} was deleted and the old key is untouched`;
  } catch (error) {
    return `deleting the new key ${keyId} also failed (${errorMessage(error)}): delete it by hand`;
  }
}
