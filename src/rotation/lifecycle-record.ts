/**
 * The rotation record: what the action did to a user's keys, kept on the IAM user itself as tags
 * (pure: tags <-> record). Recovery and retirement read it instead of guessing from timestamps.
 *
 * Eight tags share one prefix and are always written together (one TagUser call replaces the
 * whole record at once). In the console they read as a small table:
 *
 *   key-rotation:state     creating | writing | partial | switched | done
 *   key-rotation:old-key   the key being replaced ("-" when the user had none)
 *   key-rotation:new-key   the key the action created ("-" until it exists)
 *   key-rotation:started   when the rotation began (ISO 8601 UTC)
 *   key-rotation:stopped   when a run that could not write every target stopped writing
 *   key-rotation:restored  when a failed self-rotation wrote the old pair back to some targets
 *   key-rotation:switched  when every target held the new key
 *   key-rotation:run       the workflow run that started it
 *
 * A person resets it by removing the key-rotation:* tags (docs/failures-and-recovery.md).
 */

export const RECORD_PREFIX = 'key-rotation:';

/**
 * creating: the key is about to be created. writing: it exists and targets are being written.
 * partial: a finished run could not write every target. switched: every target holds the new
 * key; the old one waits out the overlap window. done: the old key was retired.
 */
export type RecordState = 'creating' | 'writing' | 'partial' | 'switched' | 'done';

export interface RotationRecord {
  readonly state: RecordState;
  readonly oldKeyId: string | undefined;
  readonly newKeyId: string | undefined;
  readonly startedAt: Date;
  readonly stoppedAt?: Date | undefined;
  readonly restoredAt: Date | undefined;
  readonly switchedAt: Date | undefined;
  readonly run: string;
}

/** What a user's tags say: no record, a record, or tags the action cannot read. */
export type RecordReading =
  | { readonly kind: 'none' }
  | { readonly kind: 'record'; readonly record: RotationRecord }
  | { readonly kind: 'unreadable'; readonly problem: string };

const STATES: readonly RecordState[] = ['creating', 'writing', 'partial', 'switched', 'done'];
const FIELDS = [
  'state',
  'old-key',
  'new-key',
  'started',
  'stopped',
  'restored',
  'switched',
  'run',
] as const;
type Field = (typeof FIELDS)[number];
const NONE = '-';

/** 2026-11-29T04:17:00Z: whole seconds, UTC. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function encodeRecord(record: RotationRecord): Record<string, string> {
  const time = (date: Date | undefined): string => (date ? isoSeconds(date) : NONE);
  const values: Record<Field, string> = {
    state: record.state,
    'old-key': record.oldKeyId ?? NONE,
    'new-key': record.newKeyId ?? NONE,
    started: time(record.startedAt),
    stopped: time(record.stoppedAt),
    restored: time(record.restoredAt),
    switched: time(record.switchedAt),
    run: record.run || NONE,
  };
  return Object.fromEntries(FIELDS.map((field) => [RECORD_PREFIX + field, values[field]]));
}

/** The record's tag keys, for removing it. */
export const RECORD_TAG_KEYS: readonly string[] = FIELDS.map((field) => RECORD_PREFIX + field);

/** Reads the record from all of a user's tags; other tags are ignored. */
export function decodeRecord(tags: Readonly<Record<string, string>>): RecordReading {
  const ours = Object.keys(tags).filter((key) => key.startsWith(RECORD_PREFIX));
  if (ours.length === 0) return { kind: 'none' };
  const value = (field: Field): string | undefined => {
    const text = tags[RECORD_PREFIX + field];
    return text === NONE || text === '' ? undefined : text;
  };
  const state = STATES.find((s) => s === value('state'));
  const startedAt = parseTime(value('started'));
  const problems = [
    !state && `state "${value('state') ?? ''}" is not one of ${STATES.join(', ')}`,
    !(startedAt instanceof Date) && 'started is not a time',
    ...(['stopped', 'restored', 'switched'] as const).map(
      (field) => invalidTime(value(field)) && `${field} is not a time`,
    ),
    state && state !== 'creating' && !value('new-key') && `state ${state} names no new-key`,
    (state === 'switched' || state === 'done') && !value('switched') && 'switched is missing',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0 || !state || !(startedAt instanceof Date)) {
    return { kind: 'unreadable', problem: problems.join('; ') };
  }
  return {
    kind: 'record',
    record: {
      state,
      oldKeyId: value('old-key'),
      newKeyId: value('new-key'),
      startedAt,
      stoppedAt: parseTime(value('stopped')) || undefined,
      restoredAt: parseTime(value('restored')) || undefined,
      switchedAt: parseTime(value('switched')) || undefined,
      run: value('run') ?? '',
    },
  };
}

/** Whether two readings are the same record, as written (whole seconds). */
export function sameReading(a: RecordReading, b: RecordReading): boolean {
  const written = (reading: RecordReading): string => {
    if (reading.kind === 'record') return JSON.stringify(encodeRecord(reading.record));
    return reading.kind === 'none' ? 'none' : `unreadable: ${reading.problem}`;
  };
  return written(a) === written(b);
}

/** undefined for an absent value, false for one that is not a time. */
function parseTime(text: string | undefined): Date | undefined | false {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(text) && !isNaN(date.getTime())
    ? date
    : false;
}

function invalidTime(text: string | undefined): boolean {
  return parseTime(text) === false;
}
