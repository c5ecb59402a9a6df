/**
 * The key rules of the policy as pure functions over key facts: which inactive keys expire,
 * when a key is due, which key is least recently used. No I/O, so every branch is testable with
 * plain data; decide.ts puts them together with the rotation record.
 */
import { DAY_MS, HOUR_MS, ageInDays, type KeyFact } from '../model/access-key.js';
import type { RotationPolicy } from '../model/settings.js';

/** Inactive keys whose last use (or creation, if never used) can no longer be recent enough. */
export function keysNeedingLastUse(
  keys: readonly KeyFact[],
  policy: RotationPolicy,
  now: Date,
): KeyFact[] {
  // A key created less than N days ago cannot have been last used N days ago: skip the call.
  return keys.filter(
    (key) =>
      key.status === 'Inactive' &&
      key.lastUsedAt === undefined &&
      ageInDays(key.createdAt, now) >= policy.deleteInactiveAfterDays,
  );
}

/** An inactive key is expired when its last use (or creation, if never used) is N days old. */
export function isExpiredInactive(key: KeyFact, policy: RotationPolicy, now: Date): boolean {
  if (key.status !== 'Inactive') return false;
  // Unknown last use (not looked up) is treated as recent: never delete on a guess.
  if (key.lastUsedAt === undefined) return false;
  const since = key.lastUsedAt ?? key.createdAt;
  return ageInDays(since, now) >= policy.deleteInactiveAfterDays;
}

/** A key this old or older is rotated; max-age-days 0 rotates every key. */
export function isDue(key: KeyFact, policy: RotationPolicy, now: Date): boolean {
  return ageInDays(key.createdAt, now) >= policy.maxAgeDays;
}

/** The first day the key counts as due. */
export function dueDate(key: KeyFact, policy: RotationPolicy): Date {
  return new Date(key.createdAt.getTime() + policy.maxAgeDays * DAY_MS);
}

/** Used within the overlap window before `now` (a key never used, or not looked up, is not). */
export function usedWithinOverlap(key: KeyFact, policy: RotationPolicy, now: Date): boolean {
  if (!key.lastUsedAt || policy.overlapHours === 0) return false;
  return now.getTime() - key.lastUsedAt.getTime() < policy.overlapHours * HOUR_MS;
}

/** The key last used longest ago; a key never used counts from its creation. */
export function leastRecentlyUsed(keys: readonly KeyFact[]): KeyFact | undefined {
  const used = (key: KeyFact): number => (key.lastUsedAt ?? key.createdAt).getTime();
  return [...keys].sort((a, b) => used(a) - used(b))[0];
}

export const newestFirst = (a: KeyFact, b: KeyFact): number =>
  b.createdAt.getTime() - a.createdAt.getTime();
