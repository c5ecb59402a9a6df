/**
 * Which key each target holds, as far as the record and the secrets' `updated_at` stamps tell
 * (pure). A secret's value cannot be read back, so this is evidence, anchored on the record: the
 * record says when the action started writing which key, and the stamps say what was written
 * since. Nothing is inferred from the stamps alone.
 */
import { describeTarget, type Target } from '../model/secret-target.js';

/** GitHub's and the runner's clocks differ a little; stamps this close count as the same time. */
export const CLOCK_SKEW_MS = 2_000;

export interface TargetStamps {
  readonly target: Target;
  /** When the secret-access-key secret was last written; undefined if it does not exist. */
  readonly secretUpdatedAt: Date | undefined;
  /** When the key-id secret was last written; undefined if it does not exist. */
  readonly idUpdatedAt: Date | undefined;
}

/**
 * new: both secrets written by the rotation. secret-only: the run stopped between the two writes
 * (the pair is completed by writing the key id, which IAM still knows). old: neither written
 * since, so it holds what it held before. restored: a failed self-rotation wrote the old pair
 * back. foreign: something else wrote it: only the key id changed (the action writes the secret
 * key first), or a secret changed after the rotation stopped writing.
 */
export type Holding = 'new' | 'secret-only' | 'old' | 'restored' | 'foreign';

export interface TargetHolding {
  readonly target: Target;
  readonly holding: Holding;
}

/** When the rotation's own writes happened: from `from` until `until`. */
export interface WriteWindow {
  /** When the rotation started (the record's `started`). */
  readonly from: Date;
  /** When it stopped writing (the record's `stopped`, or the end of a crashed run's grace). */
  readonly until: Date;
  /** When the old pair was written back (the record's `restored`), if it was. */
  readonly restoredAt?: Date | undefined;
}

export function holdingOf(stamps: TargetStamps, window: WriteWindow): Holding {
  const from = window.from.getTime() - CLOCK_SKEW_MS;
  const until = window.until.getTime() + CLOCK_SKEW_MS;
  const restored = window.restoredAt?.getTime() ?? Infinity;
  const at = (date: Date | undefined) => date?.getTime();
  const secret = at(stamps.secretUpdatedAt);
  const idAt = at(stamps.idUpdatedAt);
  if ((secret ?? -Infinity) > until || (idAt ?? -Infinity) > until) return 'foreign';
  if (secret !== undefined && secret >= restored) return 'restored';
  const isNew = (time: number | undefined) => time !== undefined && time >= from && time < restored;
  const secretNew = isNew(secret);
  const idNew = isNew(idAt);
  if (secretNew && idNew) return 'new';
  if (secretNew) return 'secret-only';
  return idNew ? 'foreign' : 'old';
}

export function holdingsOf(stamps: readonly TargetStamps[], window: WriteWindow): TargetHolding[] {
  return stamps.map((s) => ({ target: s.target, holding: holdingOf(s, window) }));
}

/** Targets whose secrets were written after `since` (plus skew): by something else. */
export function writtenAfter(stamps: readonly TargetStamps[], since: Date): Target[] {
  const limit = since.getTime() + CLOCK_SKEW_MS;
  const after = (at: Date | undefined) => at !== undefined && at.getTime() > limit;
  return stamps
    .filter((s) => after(s.secretUpdatedAt) || after(s.idUpdatedAt))
    .map((s) => s.target);
}

/** "octo/a (Actions): ..., ...; octo/b ..." for the targets with one of the holdings. */
export function describeHolders(
  holdings: readonly TargetHolding[],
  wanted: readonly Holding[],
): string {
  return holdings
    .filter((h) => wanted.includes(h.holding))
    .map((h) => describeTarget(h.target))
    .join('; ');
}
