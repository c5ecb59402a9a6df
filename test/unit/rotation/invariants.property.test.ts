/**
 * Property-based tests: random key states, policies and faults; the invariants of docs/design.md
 * must hold after every run.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { planRotation } from '../../../src/rotation/plan.js';
import { rotateUser } from '../../../src/rotation/rotate-user.js';
import type { KeyFact } from '../../../src/model/access-key.js';
import type { RotationPolicy } from '../../../src/model/settings.js';
import type { Target } from '../../../src/model/secret-target.js';
import { FakeIam, FakeSecretStore, FakeVerifier } from '../support/fakes.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

const keyArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    status: fc.constantFrom<'Active' | 'Inactive'>('Active', 'Inactive'),
    createdAt: fc.integer({ min: 0, max: 400 }).map((d) => new Date(NOW.getTime() - d * DAY)),
    lastUsedAt: fc.option(
      fc.integer({ min: 0, max: 400 }).map((d) => new Date(NOW.getTime() - d * DAY)),
      {
        nil: null,
      },
    ),
  });

const keysArb = fc.integer({ min: 0, max: 2 }).chain((n) =>
  fc.tuple(...Array.from({ length: n }, (_, i) => keyArb(`AKIA${i}`))).map((keys): KeyFact[] =>
    // Last use cannot precede creation.
    keys.map((k) => ({
      ...k,
      lastUsedAt: k.lastUsedAt && k.lastUsedAt < k.createdAt ? k.createdAt : k.lastUsedAt,
    })),
  ),
);

const policyArb = fc.record<RotationPolicy>({
  maxAgeDays: fc.integer({ min: 0, max: 200 }),
  retireOldKey: fc.constantFrom('deactivate', 'delete'),
  deleteInactiveAfterDays: fc.integer({ min: 0, max: 30 }),
  twoActiveKeys: fc.constantFrom('fail', 'delete-least-recently-used'),
  verifyNewKey: fc.boolean(),
  verifyTimeoutSeconds: fc.constant(60),
});

describe('planRotation properties', () => {
  it('never plans more than two keys, never touches the newest active key to make room', () => {
    fc.assert(
      fc.property(keysArb, policyArb, (keys, policy) => {
        const plan = planRotation(keys, policy, NOW);
        const active = keys.filter((k) => k.status === 'Active');
        const newest = [...active].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
        const remaining = keys.length - plan.cleanup.length - (plan.makeRoom ? 1 : 0);
        if (plan.action === 'rotate') expect(remaining + 1).toBeLessThanOrEqual(2);
        expect(plan.cleanup.every((k) => k.status === 'Inactive')).toBe(true);
        if (plan.makeRoom && newest) expect(plan.makeRoom.id).not.toBe(newest.id);
        if (policy.twoActiveKeys === 'fail')
          expect(plan.makeRoom?.status ?? 'Inactive').toBe('Inactive');
        expect(plan.retire.every((k) => k.status === 'Active' && k !== plan.makeRoom)).toBe(true);
        const fresh =
          newest !== undefined &&
          (NOW.getTime() - newest.createdAt.getTime()) / DAY < policy.maxAgeDays;
        expect(plan.action === 'fresh').toBe(fresh);
        if (plan.action === 'blocked') {
          expect(policy.twoActiveKeys).toBe('fail');
          expect(active.length).toBe(2);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

const targets: Target[] = ['a', 'b', 'c'].map((repo) => ({
  scope: { type: 'repository', owner: 'octo', repo, kind: 'actions' },
  accessKeyIdName: 'AWS_ACCESS_KEY_ID',
  secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
}));

const faultsArb = fc.record({
  verifies: fc.boolean(),
  failingWrites: fc.subarray(
    targets.flatMap((t) => [
      FakeSecretStore.slot(t, 'AWS_ACCESS_KEY_ID'),
      FakeSecretStore.slot(t, 'AWS_SECRET_ACCESS_KEY'),
    ]),
  ),
  unreachable: fc.subarray(targets.map((t) => FakeSecretStore.slot(t, '').replace(/ \/ $/, ''))),
});

describe('rotateUser invariants under faults', () => {
  it('every target keeps an active key id; at most two keys; no held key is retired', async () => {
    await fc.assert(
      fc.asyncProperty(
        keysArb,
        policyArb,
        faultsArb,
        fc.boolean(),
        async (keys, policy, faults, dryRun) => {
          const iam = new FakeIam(() => NOW);
          iam.seed('u', keys);
          const secrets = new FakeSecretStore(() => NOW);
          const verifier = new FakeVerifier();
          verifier.works = faults.verifies;
          faults.failingWrites.forEach((slot) => secrets.failingWrites.add(slot));
          faults.unreachable.forEach((label) => secrets.unreachable.add(label));
          // The targets hold the newest active key, as a previous successful run left them.
          const held = keys
            .filter((k) => k.status === 'Active')
            .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
          const idSlots = targets.map((t) => FakeSecretStore.slot(t, 'AWS_ACCESS_KEY_ID'));
          if (held) idSlots.forEach((slot) => secrets.values.set(slot, held.id));
          // ...written right after that key was created (both secrets of each target).
          const writtenAt = held && new Date(held.createdAt.getTime() + 1000);
          for (const t of targets) {
            for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
              if (writtenAt) secrets.stamps.set(FakeSecretStore.slot(t, name), writtenAt);
            }
          }

          const result = await rotateUser(
            { name: 'u', targets },
            { iam, verifier, secrets, log: () => undefined, now: () => NOW },
            { policy, dryRun },
          );

          const after = iam.keysOf('u');
          expect(after.length).toBeLessThanOrEqual(2);
          for (const slot of idSlots) {
            const id = secrets.values.get(slot);
            if (id === undefined) continue; // never provisioned
            expect(after.find((k) => k.id === id)?.status).toBe('Active');
          }
          if (dryRun)
            expect(iam.calls.every((c) => c.op === 'listKeys' || c.op === 'lastUsed')).toBe(true);
          if (result.outcome === 'rotated')
            expect(idSlots.every((s) => secrets.values.get(s) === result.newKeyId)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
