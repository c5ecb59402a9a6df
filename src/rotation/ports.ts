/** What the engine is given: gateways as interfaces (tests hand in fakes), a clock and a log. */
import type { NewKey } from '../model/access-key.js';
import type { IamGateway, KeyVerifier, SecretStore } from '../model/gateways.js';
import type { RotationPolicy } from '../model/settings.js';

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
