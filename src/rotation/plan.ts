/**
 * The rotation policy as pure functions: IAM key facts + policy + now -> plan.
 * No I/O here, so every branch is unit-testable with plain data.
 */
import { ageInDays, type KeyFact } from '../model/access-key.js';
import type { RotationPolicy } from '../model/settings.js';

export type PlanAction = 'fresh' | 'rotate' | 'blocked';

export interface Plan {
  readonly action: PlanAction;
  /** Why, in words a person reads in the summary. */
  readonly reason: string;
  /** Inactive keys past `delete-inactive-after-days`, deleted in every outcome. */
  readonly cleanup: readonly KeyFact[];
  /** The newest active key before this run, if any. */
  readonly current: KeyFact | undefined;
  /** A key deleted to stay within AWS's two-key limit before creating the new one. */
  readonly makeRoom: KeyFact | undefined;
  /** Active keys retired after every target holds the new key. */
  readonly retire: readonly KeyFact[];
}

const newestFirst = (a: KeyFact, b: KeyFact): number =>
  b.createdAt.getTime() - a.createdAt.getTime();

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

/** Chooses the key to delete so a new one fits, or explains why none may be deleted. */
function chooseRoom(
  remaining: readonly KeyFact[],
  policy: RotationPolicy,
): { key?: KeyFact; blocked?: string } {
  if (remaining.length < 2) return {};
  const inactive = remaining.filter((key) => key.status === 'Inactive').sort(newestFirst);
  const oldestInactive = inactive.at(-1);
  if (oldestInactive) return { key: oldestInactive };
  if (policy.twoActiveKeys === 'fail') {
    return {
      blocked:
        'the user has two active access keys and AWS allows no third; nothing was changed. ' +
        'Deactivate the key no longer in use, or set two-active-keys: delete-least-recently-used.',
    };
  }
  // Never the newest: it is the key most likely to be in use by the targets.
  const [, ...older] = [...remaining].sort(newestFirst);
  const leastRecentlyUsed = older.sort(byLastUseAscending)[0];
  return { key: leastRecentlyUsed };
}

function byLastUseAscending(a: KeyFact, b: KeyFact): number {
  const used = (key: KeyFact): number => (key.lastUsedAt ?? key.createdAt).getTime();
  return used(a) - used(b);
}

function rotationReason(current: KeyFact | undefined, policy: RotationPolicy, now: Date): string {
  if (!current) return 'the user has no active access key';
  const age = ageInDays(current.createdAt, now);
  return `the active key is ${age} days old (max-age-days: ${policy.maxAgeDays})`;
}

/** Decides what to do for one user. `keys` carry last use where keysNeedingLastUse asked. */
export function planRotation(keys: readonly KeyFact[], policy: RotationPolicy, now: Date): Plan {
  const cleanup = keys.filter((key) => isExpiredInactive(key, policy, now));
  const remaining = keys.filter((key) => !cleanup.includes(key));
  const active = remaining.filter((key) => key.status === 'Active').sort(newestFirst);
  const current = active[0];
  const base = { cleanup, current, makeRoom: undefined, retire: [] };
  if (current && ageInDays(current.createdAt, now) < policy.maxAgeDays) {
    const age = ageInDays(current.createdAt, now);
    return { ...base, action: 'fresh', reason: `the active key is ${age} days old` };
  }
  const room = chooseRoom(remaining, policy);
  if (room.blocked) return { ...base, action: 'blocked', reason: room.blocked };
  const retire = active.filter((key) => key !== room.key);
  return {
    ...base,
    action: 'rotate',
    reason: rotationReason(current, policy, now),
    makeRoom: room.key,
    retire,
  };
}
