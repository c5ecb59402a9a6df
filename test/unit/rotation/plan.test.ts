import { describe, expect, it } from '@jest/globals';
import { ageInDays } from '../../../src/model/access-key.js';
import { isExpiredInactive, keysNeedingLastUse, planRotation } from '../../../src/rotation/plan.js';
import type { KeyFact } from '../../../src/model/access-key.js';
import type { RotationPolicy } from '../../../src/model/settings.js';
import { DEFAULT_POLICY, NOW, daysAgo } from '../support/fixtures.js';

const POLICY = DEFAULT_POLICY;

function key(
  id: string,
  status: KeyFact['status'],
  age: number,
  lastUsed?: number | null,
): KeyFact {
  const base = { id, status, createdAt: daysAgo(age) };
  if (lastUsed === undefined) return base;
  return { ...base, lastUsedAt: lastUsed === null ? null : daysAgo(lastUsed) };
}

describe('ageInDays', () => {
  it('counts whole days and rounds down', () => {
    expect(ageInDays(daysAgo(90), NOW)).toBe(90);
    expect(ageInDays(new Date(daysAgo(90).getTime() + 1000), NOW)).toBe(89);
  });
});

describe('planRotation', () => {
  const ids = (keys: readonly KeyFact[]): string[] => keys.map((k) => k.id);
  const cases: {
    name: string;
    keys: KeyFact[];
    policy?: Partial<RotationPolicy>;
    action: string;
    makeRoom?: string;
    retire?: string[];
    cleanup?: string[];
  }[] = [
    { name: 'no keys: first provisioning', keys: [], action: 'rotate', retire: [] },
    { name: 'one fresh active key', keys: [key('A', 'Active', 89)], action: 'fresh' },
    {
      name: 'one active key exactly at the limit',
      keys: [key('A', 'Active', 90)],
      action: 'rotate',
      retire: ['A'],
    },
    {
      name: 'one stale active key',
      keys: [key('A', 'Active', 200)],
      action: 'rotate',
      retire: ['A'],
    },
    {
      name: 'max-age-days 0 rotates a key created today',
      keys: [key('A', 'Active', 0)],
      policy: { maxAgeDays: 0 },
      action: 'rotate',
      retire: ['A'],
    },
    {
      name: 'only an inactive recent key: provision, keep the inactive one',
      keys: [key('I', 'Inactive', 3)],
      action: 'rotate',
      retire: [],
    },
    {
      name: 'stale active + inactive recently used: delete the inactive one to make room',
      keys: [key('A', 'Active', 100), key('I', 'Inactive', 30, 2)],
      action: 'rotate',
      makeRoom: 'I',
      retire: ['A'],
    },
    {
      name: 'stale active + expired inactive: cleanup frees the room',
      keys: [key('A', 'Active', 100), key('I', 'Inactive', 30, 10)],
      action: 'rotate',
      cleanup: ['I'],
      retire: ['A'],
    },
    {
      name: 'fresh active + expired never-used inactive: cleaned up, user fresh',
      keys: [key('A', 'Active', 10), key('I', 'Inactive', 30, null)],
      action: 'fresh',
      cleanup: ['I'],
    },
    {
      name: 'two active keys, newest fresh: fresh',
      keys: [key('A', 'Active', 200), key('B', 'Active', 10)],
      action: 'fresh',
    },
    {
      name: 'two active stale keys with the default policy: blocked',
      keys: [key('A', 'Active', 200), key('B', 'Active', 100)],
      action: 'blocked',
    },
    {
      name: 'two active stale keys, delete-least-recently-used: deletes the older, retires the newest',
      keys: [key('A', 'Active', 200), key('B', 'Active', 100)],
      policy: { twoActiveKeys: 'delete-least-recently-used' },
      action: 'rotate',
      makeRoom: 'A',
      retire: ['B'],
    },
    {
      name: 'two inactive keys: room is made from the oldest',
      keys: [key('I1', 'Inactive', 5), key('I2', 'Inactive', 6)],
      action: 'rotate',
      makeRoom: 'I2',
      retire: [],
    },
  ];

  it.each(cases)('$name', (c) => {
    const plan = planRotation(c.keys, { ...POLICY, ...c.policy }, NOW);
    expect(plan.action).toBe(c.action);
    expect(plan.makeRoom?.id).toBe(c.makeRoom);
    expect(ids(plan.cleanup)).toEqual(c.cleanup ?? []);
    if (c.retire) expect(ids(plan.retire)).toEqual(c.retire);
  });

  it('explains a blocked user in words that name the input to change', () => {
    const plan = planRotation([key('A', 'Active', 200), key('B', 'Active', 100)], POLICY, NOW);
    expect(plan.reason).toMatch(
      /two active access keys.*two-active-keys: delete-least-recently-used/,
    );
  });
});

describe('keysNeedingLastUse', () => {
  it('asks only about inactive keys old enough to be expired', () => {
    const keys = [key('A', 'Active', 200), key('I1', 'Inactive', 3), key('I2', 'Inactive', 8)];
    expect(keysNeedingLastUse(keys, POLICY, NOW).map((k) => k.id)).toEqual(['I2']);
  });
  it('costs nothing for a user with one active key', () => {
    expect(keysNeedingLastUse([key('A', 'Active', 20)], POLICY, NOW)).toEqual([]);
  });
});

describe('isExpiredInactive', () => {
  it('never deletes on an unknown last use', () => {
    expect(isExpiredInactive(key('I', 'Inactive', 100), POLICY, NOW)).toBe(false);
  });
  it('judges a never-used key by its creation date', () => {
    expect(isExpiredInactive(key('I', 'Inactive', 7, null), POLICY, NOW)).toBe(true);
    expect(isExpiredInactive(key('I', 'Inactive', 6, null), POLICY, NOW)).toBe(false);
  });
  it('judges a used key by its last use', () => {
    expect(isExpiredInactive(key('I', 'Inactive', 100, 6), POLICY, NOW)).toBe(false);
    expect(isExpiredInactive(key('I', 'Inactive', 100, 7), POLICY, NOW)).toBe(true);
  });
  it('never expires an active key', () => {
    expect(isExpiredInactive(key('A', 'Active', 100, 100), POLICY, NOW)).toBe(false);
  });
});
