/**
 * Self-rotation must never lock the action out: the next scheduled run signs in with what its
 * own targets hold. When some target did not get the whole new pair, this completes the new pair
 * there, or else writes back the pair the action started with (its own credentials).
 */
import type { NewKey } from '../model/access-key.js';
import { CLOCK_SKEW_MS } from './target-holdings.js';
import type { UserRun } from './user-run.js';
import { writeSecret, type TargetWrite } from './write-targets.js';

export interface Repair {
  readonly writes: TargetWrite[];
  /** Every target written back to the old pair holds it since then (for the record). */
  readonly restoredAt?: Date;
  /** Targets written back to the old pair. */
  readonly restored: readonly TargetWrite[];
}

// Stryker disable next-line ConditionalExpression: equivalent when `secret === 'yes'` is dropped, as the id is written only after its secret key
const whole = (write: TargetWrite): boolean => write.secret === 'yes' && write.id === 'yes';

export async function repairOwnTargets(
  run: UserRun,
  key: NewKey,
  writes: readonly TargetWrite[],
  own: NewKey,
): Promise<Repair> {
  const completed = await Promise.all(writes.map((write) => completePair(run, write, key)));
  const broken = completed.filter((w) => !whole(w) && w.secret !== 'no');
  if (broken.length === 0) return { writes: completed, restored: [] };
  // Stamps at or after restoredAt mean "written back": keep them clear of the new key's writes.
  const restoredAt = new Date(run.now().getTime() + CLOCK_SKEW_MS);
  await run.sleep(2 * CLOCK_SKEW_MS);
  const restored: TargetWrite[] = [];
  for (const write of broken) {
    if (await restoreOldPair(run, write, own)) restored.push(write);
  }
  return { writes: completed, restoredAt, restored };
}

/** The secret key landed but the id did not: write the id once more. */
async function completePair(run: UserRun, write: TargetWrite, key: NewKey): Promise<TargetWrite> {
  if (write.secret !== 'yes' || write.id === 'yes') return write;
  const { target } = write;
  const id = await writeSecret(run, target, target.accessKeyIdName, key.id, key.id);
  return { ...write, id: id.stored, ...(id.error ? { error: id.error } : {}) };
}

/** The old secret key, and the old id where the new id may have landed. */
async function restoreOldPair(run: UserRun, write: TargetWrite, own: NewKey): Promise<boolean> {
  const { target } = write;
  const secret = await writeSecret(run, target, target.secretAccessKeyName, own.secret);
  if (secret.stored !== 'yes') return false;
  if (write.id === 'no') return true;
  const id = await writeSecret(run, target, target.accessKeyIdName, own.id, own.id);
  return id.stored === 'yes';
}
