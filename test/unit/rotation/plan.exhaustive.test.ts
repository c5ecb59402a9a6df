/**
 * Every combination of key count (0-2), status, age (either side of the threshold) and last use
 * (never, recent, old), under every policy value: the plan keeps the promises of docs/design.md.
 */
import { describe, expect, it } from '@jest/globals';
import { planRotation } from '../../../src/rotation/plan.js';
import type { KeyFact } from '../../../src/model/access-key.js';
import type { RotationPolicy } from '../../../src/model/settings.js';
import { DEFAULT_POLICY, NOW, daysAgo } from '../support/fixtures.js';

const STATUSES = ['Active', 'Inactive'] as const;
const AGES = [0, 6, 7, 89, 90, 400];
const LAST_USES = [null, 1, 30];

function* keyStates(id: string): Generator<KeyFact> {
  for (const status of STATUSES) {
    for (const age of AGES) {
      for (const lastUse of LAST_USES) {
        if (lastUse !== null && lastUse > age) continue;
        yield {
          id,
          status,
          createdAt: daysAgo(age),
          lastUsedAt: lastUse === null ? null : daysAgo(lastUse),
        };
      }
    }
  }
}

function* keySets(): Generator<KeyFact[]> {
  yield [];
  for (const a of keyStates('A')) {
    yield [a];
    for (const b of keyStates('B')) yield [a, b];
  }
}

function* policies(): Generator<RotationPolicy> {
  for (const maxAgeDays of [0, 90]) {
    for (const twoActiveKeys of ['fail', 'delete-least-recently-used'] as const) {
      for (const retireOldKey of ['deactivate', 'delete'] as const) {
        for (const deleteInactiveAfterDays of [0, 7]) {
          yield {
            ...DEFAULT_POLICY,
            maxAgeDays,
            twoActiveKeys,
            retireOldKey,
            deleteInactiveAfterDays,
          };
        }
      }
    }
  }
}

const age = (key: KeyFact): number =>
  Math.floor((NOW.getTime() - key.createdAt.getTime()) / 86_400_000);

describe('planRotation over every combination', () => {
  it('keeps its promises', () => {
    let combinations = 0;
    for (const policy of policies()) {
      for (const keys of keySets()) {
        combinations += 1;
        const plan = planRotation(keys, policy, NOW);
        const active = keys.filter((k) => k.status === 'Active');
        const newest = [...active].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
        const context = JSON.stringify({ policy, keys, plan: { ...plan, reason: undefined } });
        // A fresh newest key means no change but cleanup; no active key means provisioning.
        expect([context, plan.action === 'fresh']).toEqual([
          context,
          newest !== undefined && age(newest) < policy.maxAgeDays,
        ]);
        // Only inactive keys are cleaned up, and only once unused for the configured days.
        for (const key of plan.cleanup) {
          expect(key.status).toBe('Inactive');
          expect(
            age({ ...key, createdAt: key.lastUsedAt ?? key.createdAt }),
          ).toBeGreaterThanOrEqual(policy.deleteInactiveAfterDays);
        }
        if (plan.action !== 'rotate') continue;
        // Room for the new key, never at the cost of the newest active key.
        expect(keys.length - plan.cleanup.length - (plan.makeRoom ? 1 : 0)).toBeLessThanOrEqual(1);
        if (plan.makeRoom?.status === 'Active') {
          expect(policy.twoActiveKeys).toBe('delete-least-recently-used');
          expect(plan.makeRoom).not.toBe(newest);
        }
        // Every other active key is retired after the rotation.
        expect(plan.retire).toEqual(active.filter((k) => k !== plan.makeRoom));
      }
    }
    expect(combinations).toBeGreaterThan(10_000);
  });

  it('blocks exactly the stale two-active-key users under the fail policy', () => {
    for (const policy of policies()) {
      for (const keys of keySets()) {
        const plan = planRotation(keys, policy, NOW);
        const active = keys.filter((k) => k.status === 'Active');
        const stale = active.every((k) => age(k) >= policy.maxAgeDays);
        const expected = policy.twoActiveKeys === 'fail' && active.length === 2 && stale;
        expect(plan.action === 'blocked').toBe(expected);
      }
    }
  });
});
