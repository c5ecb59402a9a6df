/**
 * One user's run: its gateways, policy and dry-run switch, set up once, and the journal of what
 * it did, which becomes the user's result.
 */
import type { NewKey } from '../model/access-key.js';
import type { IamGateway, KeyVerifier, SecretStore } from '../model/gateways.js';
import { describeTarget, type Target } from '../model/secret-target.js';
import type { RotationPolicy, UserSpec } from '../model/settings.js';
import type { TargetResult, UserResult } from '../model/user-result.js';
import type { RotationDeps, RotationOptions } from './ports.js';

/** The mutable record of one user's run; becomes the UserResult. */
export interface Journal {
  oldKeyId?: string;
  oldKeyAgeDays?: number;
  newKeyId?: string;
  deletedKeyIds: string[];
  deactivatedKeyIds: string[];
  targets: TargetResult[];
  keys?: UserResult['keys'];
  pending?: string;
  keptInUse?: UserResult['keptInUse'];
  nextDueAt?: string;
}

/** How a user's run ends: the outcome and one sentence for people. */
export type Finish = Pick<UserResult, 'outcome' | 'message'>;

export interface UserRun {
  readonly user: UserSpec;
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
  readonly iam: IamGateway;
  readonly verifier: KeyVerifier;
  readonly deps: RotationDeps;
  readonly journal: Journal;
  /** Logs a line about this user. */
  log(message: string): void;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** Names this workflow run in the rotation record. */
  readonly runId: string;
  /** Self-rotation only: the pair the action runs with. */
  readonly ownKey: NewKey | undefined;
  /** The secret store; throws when there is none (a dry run without a token). */
  secrets(): SecretStore;
  readonly hasSecrets: boolean;
}

export function startUserRun(
  user: UserSpec,
  deps: RotationDeps,
  options: RotationOptions,
): UserRun {
  return {
    user,
    policy: options.policy,
    dryRun: options.dryRun,
    iam: deps.iam,
    verifier: deps.verifier,
    deps,
    journal: { deletedKeyIds: [], deactivatedKeyIds: [], targets: [] },
    log: (message) => deps.log(`${user.name}: ${message}`),
    now: deps.now,
    sleep: deps.sleep,
    runId: deps.runId,
    ownKey: deps.ownKey,
    hasSecrets: deps.secrets !== undefined,
    secrets() {
      if (!deps.secrets) throw new Error('github-token is required to write secrets');
      return deps.secrets;
    },
  };
}

export function resultOf(run: UserRun, finish: Finish): UserResult {
  const account = run.user.account === undefined ? {} : { account: run.user.account };
  return { ...account, user: run.user.name, ...run.journal, ...finish };
}

export function targetResult(
  target: Target,
  state: TargetResult['state'],
  keyId: string | undefined,
  error?: string,
): TargetResult {
  const base = { target: describeTarget(target), scope: target.scope, state };
  return { ...base, ...(keyId ? { keyId } : {}), ...(error ? { error } : {}) };
}
