/** What the engine is given: gateways as interfaces (tests hand in fakes), a clock and a log. */
import type { NewKey } from '../model/access-key.js';
import type { CredentialReport } from '../model/credential-report.js';
import type { IamGateway, KeyVerifier, SecretStore } from '../model/gateways.js';
import type { RotationPolicy } from '../model/settings.js';

export interface RotationDeps {
  readonly iam: IamGateway;
  readonly verifier: KeyVerifier;
  /** Absent only in a dry run without a token. */
  readonly secrets: SecretStore | undefined;
  readonly log: (message: string) => void;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Names the workflow run in the rotation record (repository/run id/attempt). */
  readonly runId: string;
  /** Called once the new key works, before anything is retired (self-rotation switches here). */
  readonly onVerified?: (key: NewKey) => void;
  /** Self-rotation only: the pair the action runs with, to write back if it must. */
  readonly ownKey?: NewKey;
}

export interface RotationOptions {
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
}

/** The AWS accounts of a run, as the engine needs them. */
export interface AccountAccess {
  /** The IAM gateway of a user's account; rejects with a message naming the role it needs. */
  gatewayFor(account: string | undefined): Promise<IamGateway>;
  /** The account's credential report, or undefined when it cannot be had (said once). */
  reportFor(account: string | undefined): Promise<CredentialReport | undefined>;
}

/** What a whole run is given: the per-user deps, less the gateway, which depends on the account. */
export interface RunDeps extends Omit<RotationDeps, 'iam' | 'onVerified' | 'ownKey'> {
  readonly accounts: AccountAccess;
  /** Prints one user's lines as a collapsible group; absent: line by line. */
  readonly logGroup?: (title: string, lines: readonly string[]) => void;
}
