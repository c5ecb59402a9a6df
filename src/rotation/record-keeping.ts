/** Reading and writing the rotation record on the IAM user (tags), for one user's run. */
import {
  RECORD_TAG_KEYS,
  decodeRecord,
  encodeRecord,
  isoSeconds,
  sameReading,
  type RecordReading,
  type RotationRecord,
} from './lifecycle-record.js';
import type { UserRun } from './user-run.js';

export async function writeRecord(run: UserRun, record: RotationRecord): Promise<void> {
  await run.iam.tagUser(run.user.name, encodeRecord(record));
  run.log(`recorded the rotation as ${record.state}`);
}

export async function clearRecord(run: UserRun): Promise<void> {
  await run.iam.untagUser(run.user.name, RECORD_TAG_KEYS);
  run.log('cleared the rotation record');
}

/**
 * Whether the record is still the one a decision was made from. Every rotation records itself
 * before it changes a key, so another run that rotated the user since has changed it.
 */
export async function recordUnchanged(run: UserRun, basis: RecordReading): Promise<boolean> {
  return sameReading(decodeRecord(await run.iam.listTags(run.user.name)), basis);
}

/**
 * Puts back the record this run replaced, but only while the record is still this run's: a
 * concurrent run that wrote its own since must not lose it.
 */
export async function restoreRecord(
  run: UserRun,
  previous: RecordReading,
  ours: RotationRecord,
): Promise<void> {
  const now = decodeRecord(await run.iam.listTags(run.user.name));
  // Compared as written: the tags keep whole seconds.
  const stillOurs =
    now.kind === 'record' &&
    now.record.run === ours.run &&
    isoSeconds(now.record.startedAt) === isoSeconds(ours.startedAt);
  if (!stillOurs) return;
  if (previous.kind === 'record') await writeRecord(run, previous.record);
  else await clearRecord(run);
}
