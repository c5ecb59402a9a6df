/** What the rotation steps are given: gateways as interfaces, so tests hand in fakes. */
import type { IamGateway } from './aws/iam-gateway.js';
import type { KeyVerifier } from './aws/key-verifier.js';
import type { SecretStore } from './github/secret-store.js';
import type { NewKey, RotationPolicy } from './types.js';

export interface RotationDeps {
  readonly iam: IamGateway;
  readonly verifier: KeyVerifier;
  /** Absent only in a dry run without a token. */
  readonly secrets: SecretStore | undefined;
  readonly log: (message: string) => void;
  readonly now: () => Date;
  /** Called once the new key works, before anything is retired (self-rotation switches here). */
  readonly onVerified?: (key: NewKey) => void;
}

export interface RotationOptions {
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
}

export function requireStore(deps: RotationDeps): SecretStore {
  if (!deps.secrets) throw new Error('github-token is required to write secrets');
  return deps.secrets;
}
