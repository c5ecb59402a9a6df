import { describe, expect, it } from '@jest/globals';
import { ageInDays } from '../../../src/model/access-key.js';
import { decide } from '../../../src/rotation/decide.js';
import {
  dueDate,
  isDue,
  isExpiredInactive,
  keysNeedingLastUse,
  leastRecentlyUsed,
  newestFirst,
  usedWithinOverlap,
} from '../../../src/rotation/plan.js';
import { factsOf } from '../support/facts.js';
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

describe('decide without a record, by key combination', () => {
  const cases: {
    name: string;
    keys: KeyFact[];
    policy?: Partial<RotationPolicy>;
    verdict: string;
    steps: string[];
    removed?: string[];
  }[] = [
    { name: 'no keys: first provisioning', keys: [], verdict: 'rotate', steps: ['rotate'] },
    { name: 'one fresh active key', keys: [key('A', 'Active', 89)], verdict: 'fresh', steps: [] },
    {
      name: 'one active key exactly at the limit',
      keys: [key('A', 'Active', 90)],
      verdict: 'rotate',
      steps: ['rotate'],
    },
    {
      name: 'max-age-days 0 rotates a key created today',
      keys: [key('A', 'Active', 0)],
      policy: { maxAgeDays: 0 },
      verdict: 'rotate',
      steps: ['rotate'],
    },
    {
      name: 'only an inactive recent key: provision, keep the inactive one',
      keys: [key('I', 'Inactive', 3)],
      verdict: 'rotate',
      steps: ['rotate'],
    },
    {
      name: 'stale active + inactive recently used: delete the inactive one to make room',
      keys: [key('A', 'Active', 100), key('I', 'Inactive', 30, 2)],
      verdict: 'rotate',
      steps: ['delete-for-room', 'rotate'],
      removed: ['I'],
    },
    {
      name: 'stale active + expired inactive: cleanup frees the room',
      keys: [key('A', 'Active', 100), key('I', 'Inactive', 30, 10)],
      verdict: 'rotate',
      steps: ['delete-inactive', 'rotate'],
      removed: ['I'],
    },
    {
      name: 'fresh active + expired never-used inactive: cleaned up, user fresh',
      keys: [key('A', 'Active', 10), key('I', 'Inactive', 30, null)],
      verdict: 'fresh',
      steps: ['delete-inactive'],
      removed: ['I'],
    },
    {
      name: 'two active keys, one stale: no record says which the targets hold, so blocked',
      keys: [key('A', 'Active', 200), key('B', 'Active', 10)],
      verdict: 'blocked',
      steps: [],
    },
    {
      name: 'two active stale keys with the default policy: blocked',
      keys: [key('A', 'Active', 200), key('B', 'Active', 100)],
      verdict: 'blocked',
      steps: [],
    },
    {
      name: 'two active stale keys, delete-least-recently-used: deletes the one unused longest',
      keys: [key('A', 'Active', 200, 50), key('B', 'Active', 100, 3)],
      policy: { twoActiveKeys: 'delete-least-recently-used' },
      verdict: 'rotate',
      steps: ['delete-for-room', 'rotate'],
      removed: ['A'],
    },
    {
      name: 'two inactive keys: room is made from the oldest',
      keys: [key('I1', 'Inactive', 5), key('I2', 'Inactive', 6)],
      verdict: 'rotate',
      steps: ['delete-for-room', 'rotate'],
      removed: ['I2'],
    },
  ];

  it.each(cases)('$name', async (c) => {
    const lastUse = Object.fromEntries(
      c.keys.filter((k) => k.lastUsedAt !== undefined).map((k) => [k.id, k.lastUsedAt ?? null]),
    );
    const facts = factsOf({
      keys: c.keys.map(({ id, status, createdAt }) => ({ id, status, createdAt })),
      lastUse,
    });
    const plan = await decide(facts, { policy: { ...POLICY, ...c.policy }, now: NOW });
    expect(plan.verdict).toBe(c.verdict);
    expect(plan.steps.map((s) => s.kind)).toEqual(c.steps);
    const removed = plan.steps.flatMap((s) =>
      s.kind === 'delete-inactive'
        ? s.keys.map((k) => k.id)
        : s.kind === 'delete-for-room'
          ? [s.key.id]
          : [],
    );
    expect(removed).toEqual(c.removed ?? []);
  });

  it('explains a blocked user in words that name the input to change', async () => {
    const facts = factsOf({ keys: [key('A', 'Active', 200), key('B', 'Active', 100)] });
    const plan = await decide(facts, { policy: POLICY, now: NOW });
    expect(plan.reason).toMatch(/two active keys.*two-active-keys: delete-least-recently-used/);
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
  it('asks from the day a key could be expired, and never twice', () => {
    const keys = [key('I6', 'Inactive', 6), key('I7', 'Inactive', 7), key('K', 'Inactive', 9, 1)];
    expect(keysNeedingLastUse(keys, POLICY, NOW).map((k) => k.id)).toEqual(['I7']);
  });
});

describe('isDue and dueDate', () => {
  it('a key is due from the day it is max-age-days old', () => {
    expect(isDue(key('A', 'Active', 89), POLICY, NOW)).toBe(false);
    expect(isDue(key('A', 'Active', 90), POLICY, NOW)).toBe(true);
    expect(isDue(key('A', 'Active', 0), { ...POLICY, maxAgeDays: 0 }, NOW)).toBe(true);
    expect(dueDate(key('A', 'Active', 10), POLICY)).toEqual(daysAgo(-80));
  });
});

describe('usedWithinOverlap', () => {
  const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
  const used = (hours: number | null | undefined): KeyFact => ({
    id: 'A',
    status: 'Active',
    createdAt: daysAgo(100),
    ...(hours === undefined ? {} : { lastUsedAt: hours === null ? null : hoursAgo(hours) }),
  });
  const policy = { ...POLICY, overlapHours: 24 };
  it('is true only for a use less than overlap-hours ago', () => {
    expect(usedWithinOverlap(used(23.9), policy, NOW)).toBe(true);
    expect(usedWithinOverlap(used(24), policy, NOW)).toBe(false);
  });
  it('is false for a key never used, not looked up, or with no overlap window', () => {
    expect(usedWithinOverlap(used(null), policy, NOW)).toBe(false);
    expect(usedWithinOverlap(used(undefined), policy, NOW)).toBe(false);
    expect(usedWithinOverlap(used(1), { ...policy, overlapHours: 0 }, NOW)).toBe(false);
  });
});

describe('leastRecentlyUsed and newestFirst', () => {
  it('picks the key used longest ago, counting a never-used key from its creation', () => {
    const keys = [
      key('A', 'Active', 100, 2),
      key('B', 'Active', 50, null),
      key('C', 'Active', 60, 5),
    ];
    expect(leastRecentlyUsed(keys)?.id).toBe('B');
    expect(leastRecentlyUsed([key('A', 'Active', 100, 2), key('C', 'Active', 60, 5)])?.id).toBe(
      'C',
    );
    expect(leastRecentlyUsed([])).toBeUndefined();
    expect(keys.map((k) => k.id)).toEqual(['A', 'B', 'C']);
  });
  it('sorts keys newest first', () => {
    const keys = [key('A', 'Active', 100), key('B', 'Active', 5), key('C', 'Active', 50)];
    expect([...keys].sort(newestFirst).map((k) => k.id)).toEqual(['B', 'C', 'A']);
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
