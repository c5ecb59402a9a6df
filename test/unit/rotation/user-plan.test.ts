/** What a plan costs in GitHub writes, and how a dry run and the report put keys and steps. */
import { describe, expect, it } from '@jest/globals';
import type { KeyFact } from '../../../src/model/access-key.js';
import {
  describeKey,
  describeSteps,
  plannedWrites,
  type Step,
} from '../../../src/rotation/user-plan.js';
import { repoTarget } from '../support/engine-world.js';
import { recordOf } from '../support/facts.js';
import { DEFAULT_POLICY, NOW, daysAgo } from '../support/fixtures.js';

const A: KeyFact = { id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) };
const I: KeyFact = { id: 'AKIAINACTIVE', status: 'Inactive', createdAt: daysAgo(300) };
const record = recordOf({ state: 'writing', oldKeyId: 'AKIAOLD', newKeyId: 'AKIANEW' });
const rotate = (old: KeyFact | undefined): Step => ({
  kind: 'rotate',
  old,
  replaces: old?.id,
  previous: { kind: 'none' },
});
const plan = (...steps: Step[]) => ({ verdict: 'rotate' as const, reason: '', steps });

describe('plannedWrites', () => {
  it('counts 2 writes per target for a rotation and 1 per half-written target', () => {
    const complete: Step = {
      kind: 'complete-pairs',
      targets: [repoTarget('a'), repoTarget('b')],
      keyId: 'AKIANEW',
      record,
    };
    expect(plannedWrites(plan(rotate(A)), 3)).toBe(6);
    expect(plannedWrites(plan(complete), 3)).toBe(2);
    expect(plannedWrites(plan({ kind: 'clear-record' }, complete, rotate(A)), 3)).toBe(8);
    expect(
      plannedWrites(plan({ kind: 'delete-inactive', keys: [I] }, { kind: 'undo', key: A }), 3),
    ).toBe(0);
  });
});

describe('describeKey', () => {
  it('gives the age, and the last use only when it was looked up', () => {
    expect(describeKey(A, NOW)).toBe('AKIAOLD (120 d)');
    expect(describeKey({ ...A, lastUsedAt: null }, NOW)).toBe('AKIAOLD (120 d, never used)');
    const used = { ...A, lastUsedAt: new Date('2026-05-30T10:00:00.500Z') };
    expect(describeKey(used, NOW)).toBe('AKIAOLD (120 d, last used 2026-05-30T10:00:00Z)');
    expect(describeKey({ ...used, lastUsedService: 's3', lastUsedRegion: 'eu-west-1' }, NOW)).toBe(
      'AKIAOLD (120 d, last used 2026-05-30T10:00:00Z by s3 in eu-west-1)',
    );
    expect(describeKey({ ...used, lastUsedRegion: 'eu-west-1' }, NOW)).toBe(
      'AKIAOLD (120 d, last used 2026-05-30T10:00:00Z eu-west-1)',
    );
    expect(describeKey({ ...used, lastUsedService: 'sts' }, NOW)).toBe(
      'AKIAOLD (120 d, last used 2026-05-30T10:00:00Z by sts)',
    );
  });
});

describe('describeSteps', () => {
  const all: Step[] = [
    { kind: 'clear-record' },
    { kind: 'delete-inactive', keys: [I, { ...I, id: 'AKIAOTHER' }] },
    { kind: 'delete-for-room', key: I },
    { kind: 'complete-pairs', targets: [repoTarget('a')], keyId: 'AKIANEW', record },
    { kind: 'write-record', record: { ...record, state: 'switched' } },
    { kind: 'retire', key: A, record },
    { kind: 'undo', key: A },
    rotate(undefined),
  ];

  it('says each step as a dry run reports it, in order', () => {
    expect(describeSteps(plan(...all), DEFAULT_POLICY, 2)).toBe(
      [
        'clear the rotation record',
        'delete inactive key AKIAINACTIVE, delete inactive key AKIAOTHER',
        'delete AKIAINACTIVE to make room',
        'write AKIANEW to complete 1 half-written target(s)',
        'record the rotation as switched',
        'deactivate AKIAOLD',
        'delete AKIAOLD, which no target holds',
        'create a new key and write it to 2 target(s)',
      ].join(', '),
    );
  });

  it('says what becomes of the old key: kept for the overlap window, or retired at once', () => {
    const policy = { ...DEFAULT_POLICY, overlapHours: 24 };
    expect(describeSteps(plan(rotate(A)), policy, 1)).toBe(
      'create a new key and write it to 1 target(s), keep AKIAOLD active for 24 h',
    );
    const now = { ...DEFAULT_POLICY, overlapHours: 0, retireOldKey: 'delete' as const };
    expect(describeSteps(plan(rotate(A), { kind: 'retire', key: A, record }), now, 1)).toBe(
      'create a new key and write it to 1 target(s), delete AKIAOLD, delete AKIAOLD',
    );
  });
});
