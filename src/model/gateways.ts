/**
 * The gateways the engine works through, as interfaces: aws/ and github/ implement them, the
 * engine is handed them, and unit tests hand in fakes. Failures come out already phrased for
 * people (the engine never sees an SDK error or an HTTP status).
 */
import type { KeyFact, KeyStatus, LastUse, NewKey } from './access-key.js';
import type { Target } from './secret-target.js';

export interface IamGateway {
  listKeys(user: string): Promise<KeyFact[]>;
  lastUsed(keyId: string): Promise<LastUse>;
  /** Masks the new secret before it returns, so no later step can print it. */
  createKey(user: string): Promise<NewKey>;
  setStatus(user: string, keyId: string, status: KeyStatus): Promise<void>;
  deleteKey(user: string, keyId: string): Promise<void>;
  /** Every tag of the user (the rotation record lives in tags). */
  listTags(user: string): Promise<Record<string, string>>;
  /** Adds or overwrites tags, all at once. */
  tagUser(user: string, tags: Readonly<Record<string, string>>): Promise<void>;
  untagUser(user: string, keys: readonly string[]): Promise<void>;
}

export interface KeyVerifier {
  /** Resolves once the key authenticates as `user`; rejects after `timeoutSeconds`. */
  waitUntilWorks(user: string, key: NewKey, timeoutSeconds: number): Promise<void>;
}

/** Failures are TargetErrors (model/errors.ts), which say whether a write may have stored. */
export interface SecretStore {
  /** Proves the target can be written (public key, organization access) without writing. */
  preflight(target: Target): Promise<void>;
  /** Encrypts and writes one secret of the target. */
  write(target: Target, name: string, value: string): Promise<void>;
  /** When the secret was last written, or undefined when it does not exist. */
  updatedAt(target: Target, name: string): Promise<Date | undefined>;
}
