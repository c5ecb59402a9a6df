/**
 * Every combination of key count (0-2), status, age (either side of the thresholds) and last use
 * (never, within the overlap window, recent, old), under every policy value, with no record and
 * with a finished rotation's record: the decision keeps the promises of docs/design.md.
 */
import { describe, expect, it } from '@jest/globals';
import type { KeyFact } from '../../../src/model/access-key.js';
import type { RotationPolicy } from '../../../src/model/settings.js';
import { decide } from '../../../src/rotation/decide.js';
import type { RotationRecord } from '../../../src/rotation/lifecycle-record.js';
import type { Step, UserPlan } from '../../../src/rotation/user-plan.js';
import { factsOf, recordOf } from '../support/facts.js';
import { DEFAULT_POLICY, NOW, daysAgo } from '../support/fixtures.js';

const STATUSES = ['Active', 'Inactive'] as const;
const AGES = [0, 6, 7, 89, 90, 400];
/** Days ago; 0.5 is within a 24-hour overlap window. */
const LAST_USES = [null, 0.5, 1, 30];

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
      for (const deleteInactiveAfterDays of [0, 7]) {
        for (const overlapHours of [0, 24]) {
          yield {
            ...DEFAULT_POLICY,
            maxAgeDays,
            twoActiveKeys,
            deleteInactiveAfterDays,
            overlapHours,
          };
        }
      }
    }
  }
}

const age = (date: Date): number => Math.floor((NOW.getTime() - date.getTime()) / 86_400_000);

function removedIds(steps: readonly Step[]): string[] {
  return steps.flatMap((s) => {
    if (s.kind === 'delete-inactive') return s.keys.map((k) => k.id);
    if (s.kind === 'delete-for-room' || s.kind === 'retire' || s.kind === 'undo') return [s.key.id];
    return [];
  });
}

async function decideFor(keys: KeyFact[], policy: RotationPolicy, record?: RotationRecord) {
  const listed = keys.map(({ id, status, createdAt }) => ({ id, status, createdAt }));
  const lastUse = Object.fromEntries(keys.map((k) => [k.id, k.lastUsedAt ?? null]));
  return decide(factsOf({ keys: listed, lastUse, ...(record ? { record } : {}) }), {
    policy,
    now: NOW,
  });
}

/**
 * Fails the test at the first broken promise, naming it and the case. The case is written out
 * only then: there are some 80,000 of them.
 */
function promise(holds: boolean, what: string, context: () => unknown): void {
  if (!holds) throw new Error(`${what}\n${JSON.stringify(context())}`);
}

/** The promises every plan keeps, whatever the record says. */
function checkPromises(keys: KeyFact[], policy: RotationPolicy, plan: UserPlan): void {
  const removed = removedIds(plan.steps);
  const context = () => ({ policy, keys, plan: { ...plan, reason: undefined } });
  const rotates = plan.steps.some((s) => s.kind === 'rotate');
  const kept = keys.length - removed.length + (rotates ? 1 : 0);
  promise(kept <= 2, 'never a third key', context);
  for (const id of removed) {
    const key = keys.find((k) => k.id === id)!;
    if (key.status === 'Inactive') {
      const expired = age(key.lastUsedAt ?? key.createdAt) >= policy.deleteInactiveAfterDays;
      const forRoom = plan.steps.some((s) => s.kind === 'delete-for-room' && s.key.id === id);
      promise(
        expired || forRoom,
        `inactive ${id} goes only to make room, or once unused for delete-inactive-after-days`,
        context,
      );
    } else {
      promise(
        policy.twoActiveKeys === 'delete-least-recently-used',
        `active ${id} goes only by the policy's choice`,
        context,
      );
      const inUse =
        policy.overlapHours > 0 &&
        key.lastUsedAt !== null &&
        key.lastUsedAt !== undefined &&
        NOW.getTime() - key.lastUsedAt.getTime() < policy.overlapHours * 3_600_000;
      promise(!inUse, `active ${id} never goes while in use`, context);
    }
  }
}

describe('decide over every combination', () => {
  it('without a record: fresh only when every active key left is young; never a third key', async () => {
    let combinations = 0;
    for (const policy of policies()) {
      for (const keys of keySets()) {
        combinations += 1;
        const plan = await decideFor(keys, policy);
        checkPromises(keys, policy, plan);
        const active = keys.filter((k) => k.status === 'Active');
        const allYoung =
          active.length > 0 && active.every((k) => age(k.createdAt) < policy.maxAgeDays);
        const context = () => ({ policy, keys, verdict: plan.verdict });
        promise(!allYoung || plan.verdict === 'fresh', 'young keys everywhere: fresh', context);
        const left = active.filter((k) => !removedIds(plan.steps).includes(k.id));
        const leftYoung =
          left.length > 0 && left.every((k) => age(k.createdAt) < policy.maxAgeDays);
        promise(
          plan.verdict !== 'fresh' || leftYoung,
          'fresh: every active key left is young',
          context,
        );
        const twoDue = active.length === 2 && !allYoung && policy.twoActiveKeys === 'fail';
        promise(
          !twoDue || plan.verdict === 'blocked',
          'two active keys, one due, no record: the policy decides (fail), never a guess',
          context,
        );
      }
    }
    expect(combinations).toBeGreaterThan(10_000);
  });

  it('with a finished rotation: the key the record names is never removed', async () => {
    for (const policy of policies()) {
      for (const keys of keySets()) {
        const current = keys.find((k) => k.id === 'B' && k.status === 'Active');
        if (!current) continue;
        const record = recordOf({
          state: 'done',
          oldKeyId: 'A',
          newKeyId: 'B',
          startedAt: current.createdAt,
          switchedAt: current.createdAt,
        });
        const plan = await decideFor(keys, policy, record);
        checkPromises(keys, policy, plan);
        const context = () => ({ policy, keys, plan });
        promise(!removedIds(plan.steps).includes('B'), 'the recorded key B stays', context);
        const due = age(current.createdAt) >= policy.maxAgeDays;
        promise((plan.verdict === 'fresh') === !due, 'fresh exactly when B is not due', context);
      }
    }
  });

  it('cleans up every expired inactive key, whatever else happens', async () => {
    for (const policy of policies()) {
      for (const keys of keySets()) {
        const plan = await decideFor(keys, policy);
        const expired = keys.filter(
          (k) =>
            k.status === 'Inactive' &&
            age(k.lastUsedAt ?? k.createdAt) >= policy.deleteInactiveAfterDays,
        );
        const removed = removedIds(plan.steps);
        for (const key of expired) {
          promise(removed.includes(key.id), `expired ${key.id} is deleted`, () => ({
            policy,
            keys,
            plan,
          }));
        }
      }
    }
  });
});
