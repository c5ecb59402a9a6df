/** Finishes or undoes a rotation a crashed run left behind, before the normal plan runs. */
import { requireStore, type RotationDeps, type RotationOptions } from './deps.js';
import { errorMessage } from './errors.js';
import { targetResult, type Finish, type Journal } from './journal.js';
import { activePair, assessRecovery, type Recovery, type TargetStamps } from './recovery.js';
import { ageInDays } from './policy.js';
import { preflight, retireKeys } from './steps.js';
import type { KeyFact, Target, UserSpec } from './types.js';

export type RecoveryResult =
  | {
      readonly kind: 'continue';
      readonly keys: KeyFact[];
      /** Set when an interrupted rotation was finished or undone before planning. */
      readonly recovery?: Recovery;
    }
  | { readonly kind: 'done'; readonly finish: Finish };

async function readStamps(targets: readonly Target[], deps: RotationDeps): Promise<TargetStamps[]> {
  const store = requireStore(deps);
  return Promise.all(
    targets.map(async (target) => ({
      target,
      secretUpdatedAt: await store.updatedAt(target, target.secretAccessKeyName),
      idUpdatedAt: await store.updatedAt(target, target.accessKeyIdName),
    })),
  );
}

/** The key list as it will be after the recovery step, for planning (and for dry runs). */
function keysAfter(
  keys: readonly KeyFact[],
  recovery: Recovery,
  retire: 'deactivate' | 'delete',
  now: Date,
): KeyFact[] {
  const changed = recovery.kind === 'finish' ? recovery.older : recovery.newest;
  if (recovery.kind === 'finish' && retire === 'delete') return keys.filter((k) => k !== changed);
  // Active until now: its inactive grace period starts now, not at its last recorded use.
  const retired: KeyFact = { ...changed, status: 'Inactive', lastUsedAt: now };
  return keys.map((k) => (k === changed ? retired : k));
}

export async function recoverInterrupted(
  user: UserSpec,
  keys: KeyFact[],
  deps: RotationDeps,
  options: RotationOptions,
  journal: Journal,
): Promise<RecoveryResult> {
  const pair = activePair(keys);
  if (!pair || !mayBeInterrupted(pair[0], deps, options)) return { kind: 'continue', keys };
  const unreachable = await preflight(user.targets, deps, journal);
  if (unreachable) return { kind: 'done', finish: unreachable };
  const stamps = await readStamps(user.targets, deps);
  const recovery = assessRecovery(pair[0], pair[1], stamps, deps.now());
  deps.log(`${user.name}: ${recovery.reason}`);
  // A half-written pair holds the newest secret with an old id: broken until completed, and
  // completing it is safe whatever happens next (the newest key stays active).
  const foreign = recovery.holdings.some((h) => h.holding === 'foreign');
  if (!options.dryRun && !foreign) {
    const failed = await completePairs(user.name, recovery, deps);
    if (failed) return { kind: 'done', finish: failed };
  }
  if (recovery.kind === 'stuck') return stuck(recovery, journal);
  if (!options.dryRun) await applyRecovery(user.name, recovery, deps, options, journal);
  const after = keysAfter(keys, recovery, options.policy.retireOldKey, deps.now());
  return {
    kind: 'continue',
    keys: after,
    recovery,
  };
}

/**
 * A crashed run leaves a second active key younger than max-age-days. Two stale active keys are
 * not a crash artifact: they follow `two-active-keys`.
 */
function mayBeInterrupted(newest: KeyFact, deps: RotationDeps, options: RotationOptions): boolean {
  if (options.dryRun && !deps.secrets) return false;
  // With max-age-days 0 every key is stale; a key from today may still be a crash's leftover.
  return ageInDays(newest.createdAt, deps.now()) < Math.max(options.policy.maxAgeDays, 1);
}

function stuck(recovery: Recovery, journal: Journal): RecoveryResult {
  journal.targets = recovery.holdings.map(({ target, holding }) =>
    targetResult(
      target,
      holding === 'old' ? 'failed' : 'written',
      holding === 'old' ? recovery.older.id : recovery.newest.id,
    ),
  );
  return { kind: 'done', finish: { outcome: 'failed', message: recovery.reason } };
}

async function completePairs(
  user: string,
  recovery: Recovery,
  deps: RotationDeps,
): Promise<Finish | undefined> {
  const store = requireStore(deps);
  for (const target of recovery.completePairs) {
    try {
      await store.write(target, target.accessKeyIdName, recovery.newest.id);
      deps.log(
        `${user}: completed the pair in ${target.accessKeyIdName} with ${recovery.newest.id}`,
      );
    } catch (error) {
      const message = `${recovery.reason}; completing a pair failed: ${errorMessage(error)}`;
      return { outcome: 'failed', message };
    }
  }
  return undefined;
}

async function applyRecovery(
  user: string,
  recovery: Recovery,
  deps: RotationDeps,
  options: RotationOptions,
  journal: Journal,
): Promise<void> {
  if (recovery.kind === 'finish') {
    await retireKeys(user, [recovery.older], options.policy.retireOldKey, deps, journal);
  } else {
    // Deactivate, not delete: reversible if someone outside the targets uses the key after all.
    await retireKeys(user, [recovery.newest], 'deactivate', deps, journal);
  }
}
