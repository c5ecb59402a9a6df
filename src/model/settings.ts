/** The run's settings, as the settings layer hands them to the engine. No behaviour lives here. */
import type { Target } from './secret-target.js';

export interface UserSpec {
  readonly name: string;
  /** The account's name in the config file; undefined: the account of the action's credentials. */
  readonly account?: string | undefined;
  readonly targets: readonly Target[];
}

/** Another AWS account: the role the action assumes there. */
export interface AccountSpec {
  /** The name the config file gives it. */
  readonly name: string;
  readonly roleArn: string;
  readonly externalId?: string;
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
  /** The other AWS accounts of the config file. */
  readonly accounts: readonly AccountSpec[];
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
  readonly concurrency: number;
  /** At most this many secret writes in one run; due users beyond it are deferred. */
  readonly maxWritesPerRun: number;
  readonly shard: Shard | undefined;
  /** List stale keys of every account (report), and fail the step on those left (fail). */
  readonly audit: 'off' | 'report' | 'fail';
  readonly notify: NotifySettings;
}

/** Who is told when a run needs attention. */
export interface NotifySettings {
  /** Email recipients (Amazon SES); empty: no email. */
  readonly emailTo: readonly string[];
  readonly emailFrom: string | undefined;
  /** failure: only when something needs attention; always: every run. */
  readonly on: 'failure' | 'always';
  /** Keep one open issue labelled key-rotation in the workflow's repository. */
  readonly issue: boolean;
}
