/**
 * Property-based tests: random sequences of runs (some crashing at any state-changing call,
 * some with refused or uncertain writes, some dry), time passing, and the hand actions of real
 * accounts (keys made and re-enabled by people, keys pasted into the targets, keys in use). The
 * invariants of docs/design.md must hold after every step, and the generators must reach every
 * interesting state (the test prints how often each was reached and fails if one never is).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RotationPolicy } from '../../../src/model/settings.js';
import type { UserResult } from '../../../src/model/user-result.js';
import { IN_PROGRESS_GRACE_MS } from '../../../src/rotation/decide.js';
import { DAY, EngineWorld, HOUR } from '../support/engine-world.js';
import { FakeSecretStore } from '../support/fakes.js';

type Event =
  | {
      kind: 'run';
      policy: Partial<RotationPolicy>;
      crashAt: number | undefined;
      fault: 'none' | 'refused' | 'uncertain';
      faultTarget: number;
      dryRun: boolean;
    }
  | { kind: 'advance'; hours: number }
  | { kind: 'hand-make' }
  | { kind: 're-enable' }
  | { kind: 'use-any' }
  | { kind: 'queued-run' }
  | { kind: 'paste-any' };

const policyArb = fc.record<Partial<RotationPolicy>>({
  maxAgeDays: fc.constantFrom(0, 30, 90),
  overlapHours: fc.constantFrom(0, 24),
  twoActiveKeys: fc.constantFrom('fail', 'delete-least-recently-used'),
  retireOldKey: fc.constantFrom('deactivate', 'delete'),
  deleteInactiveAfterDays: fc.constantFrom(0, 7),
});

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      policy: policyArb,
      crashAt: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined, freq: 3 }),
      fault: fc.constantFrom('none', 'none', 'none', 'refused', 'uncertain'),
      faultTarget: fc.integer({ min: 0, max: 1 }),
      dryRun: fc.boolean().map((b) => b && Math.random() < 0.3),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      hours: fc.integer({ min: 1, max: 2500 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hand-make' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 're-enable' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'use-any' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'queued-run' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'paste-any' as const }) },
);

const startArb = fc.record({
  ageDays: fc.integer({ min: 0, max: 200 }),
  secondKey: fc.constantFrom('none', 'inactive', 'active'),
});

/** How often each interesting state was reached, over all sequences. */
const reached = new Map<string, number>();
const note = (what: string) => reached.set(what, (reached.get(what) ?? 0) + 1);

function noteResult(result: UserResult): void {
  note(`outcome:${result.outcome}`);
  const m = result.message;
  if (/finishing an interrupted rotation/.test(m)) note('recovery:finish');
  if (/undoing an interrupted rotation/.test(m)) note('recovery:undo');
  if (/an interrupted rotation left/.test(m)) note('recovery:stuck');
  if (/may still be at work/.test(m)) note('recovery:in-progress');
  if (/is not named by its record/.test(m)) note('recovery:unnamed-key');
  if (/is still in use/.test(m)) note('retire:kept-in-use');
  if (/stays active until/.test(m)) note('retire:overlap-window');
  if (result.targets.some((t) => t.state === 'partial')) note('write:half-written');
  if (/two active keys/.test(m)) note('two-active-keys');
}

const snapshot = (world: EngineWorld) =>
  JSON.stringify({
    keys: world.iam.keysOf('u'),
    tags: world.record(),
    values: [...world.secrets.values],
  });

describe('the invariants under random runs, crashes, time and hand actions', () => {
  it('hold after every step', async () => {
    await fc.assert(
      fc.asyncProperty(
        startArb,
        fc.array(eventArb, { minLength: 1, maxLength: 14 }),
        async (start, events) => {
          const world = new EngineWorld();
          world.seedKey({ id: 'AKIASTART', status: 'Active', ageDays: start.ageDays });
          world.pasteIntoTargets('AKIASTART', HOUR);
          if (start.secondKey !== 'none') {
            const status = start.secondKey === 'active' ? 'Active' : 'Inactive';
            world.seedKey({ id: 'AKIASECOND', status, ageDays: Math.floor(start.ageDays / 2) });
          }
          const handMade = new Set<string>();
          let lastCrash = -Infinity;
          // A secret pasted by hand within a crashed run's hour is taken for that run's own
          // write (docs/failures-and-recovery.md): such sequences prove the rest, not this.
          let pastedAfterCrash = false;
          // delete-least-recently-used may delete the targets' key (trusting last use); a crash
          // before the new key reaches them leaves them broken until a person acts.
          let heldKeyDeletedByPolicy = false;
          const everHeld = new Set<string>(['AKIASTART']);
          for (const event of events) {
            const removalsBefore = world.removals.length;
            // People and systems act minutes apart, never within the same second as a run.
            if (event.kind !== 'run' && event.kind !== 'advance') world.advance(5 * 60_000);
            if (event.kind === 'advance') world.advance(event.hours * HOUR);
            else if (event.kind === 'hand-make') {
              if (world.keys().length < 2) handMade.add(world.handMakeKey());
            } else if (event.kind === 're-enable') {
              const inactive = world.keys().find((k) => k.status === 'Inactive');
              if (inactive) world.setStatusByHand(inactive.id, 'Active');
            } else if (event.kind === 'use-any') {
              // What can sign: the targets' keys (deploys) and the keys people made.
              const held = new Set(world.user.targets.map((t) => world.heldId(t)));
              for (const key of world.keys()) {
                if (key.status === 'Active' && (held.has(key.id) || handMade.has(key.id))) {
                  world.use(key.id);
                }
              }
            } else if (event.kind === 'queued-run') {
              // A run queued before a switch signs with a key the targets held back then.
              const stale = world.keys().find((k) => k.status === 'Active' && everHeld.has(k.id));
              if (stale) world.use(stale.id);
            } else if (event.kind === 'paste-any') {
              const active = world.keys().find((k) => k.status === 'Active');
              if (active) world.pasteIntoTargets(active.id);
              if (world.now.getTime() - lastCrash < IN_PROGRESS_GRACE_MS) pastedAfterCrash = true;
            } else {
              const policy = { verifyNewKey: true, ...event.policy };
              const before = snapshot(world);
              world.secrets.failingWrites.clear();
              world.secrets.uncertainWrites.clear();
              const target = world.user.targets[event.faultTarget]!;
              const slot = FakeSecretStore.slot(target, target.accessKeyIdName);
              if (event.fault === 'refused') world.secrets.failingWrites.add(slot);
              if (event.fault === 'uncertain') world.secrets.uncertainWrites.add(slot);
              if (event.crashAt !== undefined) world.crashAt(event.crashAt);
              const result = await world.run(policy, { dryRun: event.dryRun });
              world.secrets.failingWrites.clear();
              world.secrets.uncertainWrites.clear();
              if (world.crashed) {
                note(`crash:at-call-${event.crashAt}`);
                lastCrash = world.now.getTime();
              } else noteResult(result);
              if (event.dryRun) expect(snapshot(world)).toBe(before);
              // Every target's pair signs in after a clean run, once a crash's grace has passed.
              const settled = world.now.getTime() - lastCrash >= IN_PROGRESS_GRACE_MS;
              // Except where a crash left a key the record cannot name: that waits for a person.
              const needsPerson = /is not named by its record/.test(result.message);
              if (!world.crashed && result.outcome === 'rotated') heldKeyDeletedByPolicy = false;
              if (
                !world.crashed &&
                event.fault === 'none' &&
                !event.dryRun &&
                settled &&
                !needsPerson &&
                !heldKeyDeletedByPolicy &&
                !pastedAfterCrash
              ) {
                expect({ broken: world.brokenTargets(), result: result.message }).toEqual({
                  broken: [],
                  result: result.message,
                });
              }
              for (const removal of world.removals.slice(removalsBefore)) {
                if (!removal.wasActive) continue;
                // No key a target holds, or something still uses, is retired or deleted. The one
                // exception is the policy's own: delete-least-recently-used may delete an active
                // key for room, trusting its last use.
                const forRoom = world.log.includes(`u: deleted active key ${removal.keyId}`);
                const byPolicy = forRoom && policy.twoActiveKeys === 'delete-least-recently-used';
                if (byPolicy && removal.heldByTarget) heldKeyDeletedByPolicy = true;
                if (!byPolicy && !pastedAfterCrash) {
                  expect({ removal, held: removal.heldByTarget }).toEqual({ removal, held: false });
                }
                const overlap = (policy.overlapHours ?? 24) * HOUR;
                const inUse =
                  overlap > 0 &&
                  removal.lastUsedAt instanceof Date &&
                  removal.at.getTime() - removal.lastUsedAt.getTime() < overlap;
                expect({ removal, inUse }).toEqual({ removal, inUse: false });
                // A key made by a person goes only under delete-least-recently-used.
                if (handMade.has(removal.keyId))
                  expect(policy.twoActiveKeys).toBe('delete-least-recently-used');
              }
            }
            expect(world.keys().length).toBeLessThanOrEqual(2);
            for (const target of world.user.targets) everHeld.add(world.heldId(target) ?? '');
          }
        },
      ),
      // A fixed seed keeps the reach of the generators (checked below) the same on every run;
      // PROPERTY_SEED=<n> explores other sequences.
      { numRuns: 600, seed: Number(process.env.PROPERTY_SEED ?? 20261129) },
    );
  });

  afterAll(() => {
    const table = [...reached.entries()].sort().map(([what, n]) => `${what}: ${n}`);
    console.log(`States reached by the generators:\n${table.join('\n')}`);
  });

  it('reach every interesting state', () => {
    const wanted = [
      'outcome:rotated',
      'outcome:retired',
      'outcome:waiting',
      'outcome:fresh',
      'outcome:failed',
      'outcome:would-rotate',
      'recovery:finish',
      'recovery:undo',
      'recovery:stuck',
      'recovery:in-progress',
      'retire:kept-in-use',
      'retire:overlap-window',
      'write:half-written',
      'two-active-keys',
      ...Array.from({ length: 6 }, (_, i) => `crash:at-call-${i + 1}`),
    ];
    expect(wanted.filter((what) => !reached.has(what))).toEqual([]);
    expect(DAY).toBe(24 * HOUR);
  });
});
