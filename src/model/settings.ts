/** The run's settings, as the settings layer hands them to the engine. No behaviour lives here. */
import type { Target } from './secret-target.js';

export interface UserSpec {
  readonly name: string;
  /** The account's name in the config file; undefined: the account of the action's credentials. */
  readonly account?: string | undefined;
  readonly targets: readonly Target[];
}

/** `shard: i/n`: this job processes the i-th of n stable shares of the users. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export type RetireAction = 'deactivate' | 'delete';
export type TwoActiveKeysPolicy = 'fail' | 'delete-least-recently-used';

export interface RotationPolicy {
  readonly maxAgeDays: number;
  readonly retireOldKey: RetireAction;
  readonly deleteInactiveAfterDays: number;
  readonly twoActiveKeys: TwoActiveKeysPolicy;
  readonly verifyNewKey: boolean;
  readonly verifyTimeoutSeconds: number;
  /** The old key stays active at least this long after every target holds the new one. */
  readonly overlapHours: number;
}

export interface Settings {
  readonly githubToken: string | undefined;
  /** The users of this job (its shard's share, when sharded). */
  readonly users: readonly UserSpec[];
  /** Every configured user, for the audit's "managed" and the shard's share. */
  readonly allUsers: readonly UserSpec[];
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
  readonly concurrency: number;
  /** At most this many secret writes in one run; due users beyond it are deferred. */
  readonly maxWritesPerRun: number;
  readonly shard: Shard | undefined;
}
