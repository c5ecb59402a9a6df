/** Finishes or undoes a rotation a crashed run left behind, before the normal plan runs. */
import { ageInDays, type KeyFact } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import type { RetireAction } from '../model/settings.js';
import {
  activePair,
  assessRecovery,
  type Recovery,
  type TargetStamps,
} from './interrupted-rotation.js';
import { retireKeys } from './key-steps.js';
import { preflight } from './preflight.js';
import { targetResult, type Finish, type UserRun } from './user-run.js';

export type RecoveryResult =
  | {
      readonly kind: 'continue';
      readonly keys: KeyFact[];
      /** Set when an interrupted rotation was finished or undone before planning. */
      readonly recovery?: Recovery;
    }
  | { readonly kind: 'done'; readonly finish: Finish };

async function readStamps(run: UserRun): Promise<TargetStamps[]> {
  const store = run.secrets();
  return Promise.all(
    run.user.targets.map(async (target) => ({
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
  retire: RetireAction,
  now: Date,
): KeyFact[] {
  const changed = recovery.kind === 'finish' ? recovery.older : recovery.newest;
  if (recovery.kind === 'finish' && retire === 'delete') return keys.filter((k) => k !== changed);
  // Active until now: its inactive grace period starts now, not at its last recorded use.
  const retired: KeyFact = { ...changed, status: 'Inactive', lastUsedAt: now };
  return keys.map((k) => (k === changed ? retired : k));
}

export async function recoverInterrupted(run: UserRun, keys: KeyFact[]): Promise<RecoveryResult> {
  const pair = activePair(keys);
  if (!pair || !mayBeInterrupted(run, pair[0])) return { kind: 'continue', keys };
  const unreachable = await preflight(run);
  if (unreachable) return { kind: 'done', finish: unreachable };
  const stamps = await readStamps(run);
  const recovery = assessRecovery(pair[0], pair[1], stamps, run.now());
  run.log(recovery.reason);
  // A half-written pair holds the newest secret with an old id: broken until completed, and
  // completing it is safe whatever happens next (the newest key stays active).
  const foreign = recovery.holdings.some((h) => h.holding === 'foreign');
  if (!run.dryRun && !foreign) {
    const failed = await completePairs(run, recovery);
    if (failed) return { kind: 'done', finish: failed };
  }
  if (recovery.kind === 'stuck') return stuck(run, recovery);
  if (!run.dryRun) await applyRecovery(run, recovery);
  const after = keysAfter(keys, recovery, run.policy.retireOldKey, run.now());
  return { kind: 'continue', keys: after, recovery };
}

/**
 * A crashed run leaves a second active key younger than max-age-days. Two stale active keys are
 * not a crash artifact: they follow `two-active-keys`.
 */
function mayBeInterrupted(run: UserRun, newest: KeyFact): boolean {
  if (run.dryRun && !run.hasSecrets) return false;
  // With max-age-days 0 every key is stale; a key from today may still be a crash's leftover.
  return ageInDays(newest.createdAt, run.now()) < Math.max(run.policy.maxAgeDays, 1);
}

function stuck(run: UserRun, recovery: Recovery): RecoveryResult {
  run.journal.targets = recovery.holdings.map(({ target, holding }) =>
    targetResult(
      target,
      holding === 'old' ? 'failed' : 'written',
      holding === 'old' ? recovery.older.id : recovery.newest.id,
    ),
  );
  return { kind: 'done', finish: { outcome: 'failed', message: recovery.reason } };
}

async function completePairs(run: UserRun, recovery: Recovery): Promise<Finish | undefined> {
  const store = run.secrets();
  for (const target of recovery.completePairs) {
    try {
      await store.write(target, target.accessKeyIdName, recovery.newest.id);
      run.log(`completed the pair in ${target.accessKeyIdName} with ${recovery.newest.id}`);
    } catch (error) {
      const message = `${recovery.reason}; completing a pair failed: ${messageOf(error)}`;
      return { outcome: 'failed', message };
    }
  }
  return undefined;
}

async function applyRecovery(run: UserRun, recovery: Recovery): Promise<void> {
  if (recovery.kind === 'finish') {
    await retireKeys(run, [recovery.older], run.policy.retireOldKey);
  } else {
    // Deactivate, not delete: reversible if someone outside the targets uses the key after all.
    await retireKeys(run, [recovery.newest], 'deactivate');
  }
}
