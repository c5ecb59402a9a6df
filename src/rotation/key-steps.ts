/** The IAM steps shared by rotation and recovery; each records what it did in the journal. */
import type { KeyFact } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import type { RetireAction } from '../model/settings.js';
import type { UserRun } from './user-run.js';

export async function deleteKeys(run: UserRun, keys: readonly KeyFact[]): Promise<void> {
  for (const key of keys) {
    await run.iam.deleteKey(run.user.name, key.id);
    run.journal.deletedKeyIds.push(key.id);
    run.log(`deleted ${key.status.toLowerCase()} key ${key.id}`);
  }
}

/** Deactivate (reversible, AWS's advice) or delete, as `retire-old-key` says. */
export async function retireKeys(
  run: UserRun,
  keys: readonly KeyFact[],
  action: RetireAction,
): Promise<void> {
  for (const key of keys) {
    if (action === 'delete') {
      await run.iam.deleteKey(run.user.name, key.id);
      run.journal.deletedKeyIds.push(key.id);
    } else {
      await run.iam.setStatus(run.user.name, key.id, 'Inactive');
      run.journal.deactivatedKeyIds.push(key.id);
    }
    run.log(`${action === 'delete' ? 'deleted' : 'deactivated'} ${key.id}`);
  }
}

/** Deletes a key no target holds; says so, or says what a person must do. */
export async function rollBack(run: UserRun, keyId: string): Promise<string> {
  try {
    await run.iam.deleteKey(run.user.name, keyId);
    run.journal.deletedKeyIds.push(keyId);
    return `the new key ${keyId} was deleted and the old key is untouched`;
  } catch (error) {
    return `deleting the new key ${keyId} also failed (${messageOf(error)}): delete it by hand`;
  }
}
