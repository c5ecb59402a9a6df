/** The rotation record kept as IAM user tags: exact encoding, decoding, and every unreadable case. */
import { describe, expect, it } from '@jest/globals';
import {
  RECORD_TAG_KEYS,
  decodeRecord,
  encodeRecord,
  isoSeconds,
  sameReading,
  type RotationRecord,
} from '../../../src/rotation/lifecycle-record.js';

const STARTED = new Date('2026-11-29T04:17:00.456Z');
const FULL: RotationRecord = {
  state: 'switched',
  oldKeyId: 'AKIAOLD',
  newKeyId: 'AKIANEW',
  startedAt: STARTED,
  stoppedAt: new Date('2026-11-29T04:18:00Z'),
  restoredAt: new Date('2026-11-29T04:19:00Z'),
  switchedAt: new Date('2026-11-29T04:20:00Z'),
  run: 'octo/ops/7/1',
};
const TAGS = {
  'key-rotation:state': 'switched',
  'key-rotation:old-key': 'AKIAOLD',
  'key-rotation:new-key': 'AKIANEW',
  'key-rotation:started': '2026-11-29T04:17:00Z',
  'key-rotation:stopped': '2026-11-29T04:18:00Z',
  'key-rotation:restored': '2026-11-29T04:19:00Z',
  'key-rotation:switched': '2026-11-29T04:20:00Z',
  'key-rotation:run': 'octo/ops/7/1',
};

describe('encodeRecord', () => {
  it('writes all eight tags, times in whole seconds UTC', () => {
    expect(encodeRecord(FULL)).toEqual(TAGS);
    expect(RECORD_TAG_KEYS).toEqual(Object.keys(TAGS));
  });

  it('writes "-" for every absent value, so the record always replaces all eight tags', () => {
    const creating: RotationRecord = {
      state: 'creating',
      oldKeyId: undefined,
      newKeyId: undefined,
      startedAt: STARTED,
      restoredAt: undefined,
      switchedAt: undefined,
      run: '',
    };
    expect(encodeRecord(creating)).toEqual({
      'key-rotation:state': 'creating',
      'key-rotation:old-key': '-',
      'key-rotation:new-key': '-',
      'key-rotation:started': '2026-11-29T04:17:00Z',
      'key-rotation:stopped': '-',
      'key-rotation:restored': '-',
      'key-rotation:switched': '-',
      'key-rotation:run': '-',
    });
  });

  it('isoSeconds drops only the milliseconds', () => {
    expect(isoSeconds(new Date('2026-01-02T03:04:05.999Z'))).toBe('2026-01-02T03:04:05Z');
    expect(isoSeconds(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05Z');
  });
});

describe('decodeRecord', () => {
  it('reads back what was written, ignoring tags that are not the record', () => {
    expect(decodeRecord({ ...TAGS, team: 'ops', 'key-rotation-note': 'x' })).toEqual({
      kind: 'record',
      record: { ...FULL, startedAt: new Date('2026-11-29T04:17:00Z') },
    });
  });

  it('finds no record when no tag has the prefix', () => {
    expect(decodeRecord({})).toEqual({ kind: 'none' });
    expect(decodeRecord({ team: 'ops', 'Key-Rotation:state': 'done' })).toEqual({ kind: 'none' });
  });

  it('reads "-" and empty values as absent, and a missing run as empty', () => {
    const reading = decodeRecord({
      'key-rotation:state': 'creating',
      'key-rotation:started': '2026-11-29T04:17:00Z',
      'key-rotation:old-key': '',
      'key-rotation:stopped': '-',
    });
    expect(reading).toEqual({
      kind: 'record',
      record: {
        state: 'creating',
        oldKeyId: undefined,
        newKeyId: undefined,
        startedAt: new Date('2026-11-29T04:17:00Z'),
        stoppedAt: undefined,
        restoredAt: undefined,
        switchedAt: undefined,
        run: '',
      },
    });
  });

  it('accepts times with fractions of a second', () => {
    const reading = decodeRecord({ ...TAGS, 'key-rotation:started': '2026-11-29T04:17:00.25Z' });
    expect(reading.kind === 'record' && reading.record.startedAt).toEqual(
      new Date('2026-11-29T04:17:00.250Z'),
    );
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'an unknown state',
      { 'key-rotation:state': 'rotating' },
      'state "rotating" is not one of creating, writing, partial, switched, done',
    ],
    [
      'no state',
      { 'key-rotation:state': '-' },
      'state "" is not one of creating, writing, partial, switched, done',
    ],
    ['no start', { 'key-rotation:started': '-' }, 'started is not a time'],
    ['a start that is no time', { 'key-rotation:started': 'yesterday' }, 'started is not a time'],
    ['a local time', { 'key-rotation:stopped': '2026-11-29T04:18:00' }, 'stopped is not a time'],
    ['a date only', { 'key-rotation:restored': '2026-11-29' }, 'restored is not a time'],
    [
      'an impossible date',
      { 'key-rotation:switched': '2026-13-45T04:18:00Z' },
      'switched is not a time',
    ],
    [
      'a time with text around it',
      { 'key-rotation:switched': 'x2026-11-29T04:18:00Zx' },
      'switched is not a time',
    ],
    ['a switched record without its time', { 'key-rotation:switched': '-' }, 'switched is missing'],
    [
      'a writing record without a new key',
      { 'key-rotation:state': 'writing', 'key-rotation:new-key': '-' },
      'state writing names no new-key',
    ],
  ])('calls %s unreadable, saying why', (_case, change, problem) => {
    expect(decodeRecord({ ...TAGS, ...change })).toEqual({ kind: 'unreadable', problem });
  });

  it('lists every problem at once', () => {
    const reading = decodeRecord({
      'key-rotation:state': 'done',
      'key-rotation:started': 'soon',
      'key-rotation:stopped': 'later',
    });
    expect(reading).toEqual({
      kind: 'unreadable',
      problem:
        'started is not a time; stopped is not a time; state done names no new-key; switched is missing',
    });
  });

  it('needs no new key while creating, and no switch time before the switch', () => {
    for (const state of ['creating', 'writing', 'partial'] as const) {
      const tags = { ...TAGS, 'key-rotation:state': state, 'key-rotation:switched': '-' };
      if (state === 'creating') tags['key-rotation:new-key'] = '-';
      expect(decodeRecord(tags).kind).toBe('record');
    }
  });
});

describe('sameReading', () => {
  const reading = decodeRecord(TAGS);
  it('compares records as written, to the second', () => {
    expect(sameReading(reading, { kind: 'record', record: FULL })).toBe(true);
    const later = { ...FULL, startedAt: new Date('2026-11-29T04:17:01Z') };
    expect(sameReading(reading, { kind: 'record', record: later })).toBe(false);
    expect(sameReading(reading, { kind: 'record', record: { ...FULL, run: 'other' } })).toBe(false);
  });

  it('tells none, unreadable and a record apart, and unreadable ones by their problem', () => {
    const none = { kind: 'none' } as const;
    const bad = (problem: string) => ({ kind: 'unreadable', problem }) as const;
    expect(sameReading(none, none)).toBe(true);
    expect(sameReading(none, bad('none'))).toBe(false);
    expect(sameReading(none, reading)).toBe(false);
    expect(sameReading(bad('x'), bad('x'))).toBe(true);
    expect(sameReading(bad('x'), bad('y'))).toBe(false);
  });
});
