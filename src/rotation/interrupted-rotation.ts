/**
 * Recognising an interrupted rotation (pure). A run that died after creating a key leaves the
 * user with two active keys; the targets' `updated_at` stamps, compared with the newest key's
 * creation date, tell which key each target holds, since the action writes right after creating.
 */
import type { KeyFact } from '../model/access-key.js';
import { describeTarget, type Target } from '../model/secret-target.js';

/** GitHub and IAM clocks differ a little; writes this close before creation count as after. */
export const CLOCK_SKEW_MS = 5_000;

/**
 * A key younger than this that not every target holds may belong to a run still in progress
 * (GitHub writes are paced one per second, so a long run takes a while to reach each user).
 */
export const IN_PROGRESS_GRACE_MS = 15 * 60_000;

export interface TargetStamps {
  readonly target: Target;
  /** When the secret-access-key secret was last written; undefined if it does not exist. */
  readonly secretUpdatedAt: Date | undefined;
  /** When the key-id secret was last written; undefined if it does not exist. */
  readonly idUpdatedAt: Date | undefined;
}

/**
 * new: both secrets written since the newest key was created. secret-only: the run died between
 * the two writes. old: neither. foreign: only the key id is newer, which this action never does.
 */
export type Holding = 'new' | 'secret-only' | 'old' | 'foreign';

export function holdingOf(stamps: TargetStamps, newest: KeyFact): Holding {
  const since = newest.createdAt.getTime() - CLOCK_SKEW_MS;
  const after = (at: Date | undefined): boolean => at !== undefined && at.getTime() >= since;
  const secret = after(stamps.secretUpdatedAt);
  const id = after(stamps.idUpdatedAt);
  if (secret && id) return 'new';
  if (secret) return 'secret-only';
  return id ? 'foreign' : 'old';
}

export type RecoveryKind = 'finish' | 'undo' | 'stuck';

export interface Recovery {
  readonly kind: RecoveryKind;
  readonly reason: string;
  /** The key a crashed run created (the newest active key). */
  readonly newest: KeyFact;
  /** The key the targets held before it. */
  readonly older: KeyFact;
  /** Targets whose key-id secret must be written to complete the pair. */
  readonly completePairs: readonly Target[];
  readonly holdings: readonly { target: Target; holding: Holding }[];
}

/** Only a user with exactly two active keys can be mid-rotation. */
export function activePair(keys: readonly KeyFact[]): [KeyFact, KeyFact] | undefined {
  const active = keys.filter((key) => key.status === 'Active');
  if (active.length !== 2) return undefined;
  const [a, b] = active as [KeyFact, KeyFact];
  return a.createdAt.getTime() >= b.createdAt.getTime() ? [a, b] : [b, a];
}

export function assessRecovery(
  newest: KeyFact,
  older: KeyFact,
  stamps: readonly TargetStamps[],
  now: Date,
): Recovery {
  const recovery = assessHoldings(newest, older, stamps);
  const age = now.getTime() - newest.createdAt.getTime();
  if (recovery.kind === 'finish' || age >= IN_PROGRESS_GRACE_MS) return recovery;
  const minutes = Math.ceil((IN_PROGRESS_GRACE_MS - age) / 60_000);
  const reason =
    `${newest.id} was created ${Math.floor(age / 1000)}s ago and not every target holds it: ` +
    'another run may be rotating this user now (give the workflow a concurrency group). ' +
    `Nothing was changed; if no other run is active, run again in ${minutes} minute(s).`;
  return { ...recovery, kind: 'stuck', reason };
}

function assessHoldings(
  newest: KeyFact,
  older: KeyFact,
  stamps: readonly TargetStamps[],
): Recovery {
  const holdings = stamps.map((s) => ({ target: s.target, holding: holdingOf(s, newest) }));
  const completePairs = holdings.filter((h) => h.holding === 'secret-only').map((h) => h.target);
  const base = { newest, older, completePairs, holdings };
  const count = (holding: Holding): number => holdings.filter((h) => h.holding === holding).length;
  const holdingNew = count('new') + count('secret-only');
  if (count('foreign') > 0) {
    return { ...base, kind: 'stuck', reason: foreignReason(holdings, newest) };
  }
  if (holdingNew === holdings.length) {
    return {
      ...base,
      kind: 'finish',
      reason: `every target holds ${newest.id}: finishing an interrupted rotation`,
    };
  }
  if (holdingNew === 0) {
    return {
      ...base,
      kind: 'undo',
      reason: `no target holds ${newest.id}, created after every target was last written: undoing an interrupted rotation`,
    };
  }
  return { ...base, kind: 'stuck', reason: mixedReason(holdings, newest, older) };
}

function foreignReason(holdings: Recovery['holdings'], newest: KeyFact): string {
  const names = holdings
    .filter((h) => h.holding === 'foreign')
    .map((h) => describeTarget(h.target));
  return (
    `the key id secret of ${names.join('; ')} changed after ${newest.id} was created but its ` +
    'secret key did not: something else writes these secrets. Nothing was changed.'
  );
}

function mixedReason(holdings: Recovery['holdings'], newest: KeyFact, older: KeyFact): string {
  const holders = (wanted: (h: Holding) => boolean): string =>
    holdings
      .filter((h) => wanted(h.holding))
      .map((h) => describeTarget(h.target))
      .join('; ');
  return (
    `an interrupted rotation left ${newest.id} in ${holders((h) => h !== 'old')} and ` +
    `${older.id} in ${holders((h) => h === 'old')}. A secret cannot be read back, so both keys ` +
    `stay active and every target works (half-written pairs were completed). To converge, ` +
    `delete ${newest.id} (its targets fail ` +
    'until the next run) and run again with max-age-days: 0.'
  );
}
