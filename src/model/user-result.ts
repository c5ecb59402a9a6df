/** What happened to each user: the data behind the report, the summary and the outputs. */
import type { SecretScope } from './secret-target.js';

/**
 * rotated: a new key was written (or an interrupted rotation finished). retired: the old key of
 * an earlier rotation was retired. waiting: the old key waits out the overlap window or is still
 * in use. fresh: nothing was due. deferred: due, but left for a later run by the write budget.
 * failed: something needs a person. would-*: a dry run's plan.
 */
export type Outcome =
  | 'rotated'
  | 'retired'
  | 'waiting'
  | 'fresh'
  | 'deferred'
  | 'failed'
  | 'would-rotate'
  | 'would-retire';

/**
 * written: both secrets hold the new key. partial: the secret key was (or may have been)
 * written but not the key id, a mismatched pair. restored: a failed self-rotation wrote the old
 * pair back. unchanged: not written by the rotation, so it holds what it held before. failed:
 * GitHub refused, nothing was written. would-write: dry run, access checked. ready: access
 * checked, not written.
 */
export type TargetState =
  'written' | 'partial' | 'restored' | 'unchanged' | 'failed' | 'would-write' | 'ready';

export interface TargetResult {
  readonly target: string;
  readonly scope: SecretScope;
  readonly state: TargetState;
  /** The access key id the target's key-id secret holds after this run, when known. */
  readonly keyId?: string;
  readonly error?: string;
}

export interface UserResult {
  /** The account's name from the config file; absent: the account of the action's credentials. */
  readonly account?: string;
  readonly user: string;
  readonly outcome: Outcome;
  /** One sentence for people; never contains a secret. */
  readonly message: string;
  readonly oldKeyId?: string;
  readonly oldKeyAgeDays?: number;
  readonly newKeyId?: string;
  /** Keys deleted (cleanup, room, rollback) and keys retired after the rotation. */
  readonly deletedKeyIds: readonly string[];
  readonly deactivatedKeyIds: readonly string[];
  readonly targets: readonly TargetResult[];
  /** The user's keys as this run found them (last use where it was looked up). */
  readonly keys?: readonly KeySummary[];
  /** What is left for a later run, e.g. retiring the old key after the overlap window. */
  readonly pending?: string;
  /** An old key kept active because it was used within the overlap window. */
  readonly keptInUse?: KeySummary;
  /** When the current key will be due (fresh users), ISO 8601. */
  readonly nextDueAt?: string;
}

export interface KeySummary {
  readonly id: string;
  readonly status: 'Active' | 'Inactive';
  readonly ageDays: number;
  /** ISO 8601; null: never used; absent: not looked up. */
  readonly lastUsedAt?: string | null;
  readonly lastUsedService?: string;
  readonly lastUsedRegion?: string;
}
