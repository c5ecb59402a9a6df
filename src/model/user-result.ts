/** What happened to each user: the data behind the report, the summary and the outputs. */
import type { SecretScope } from './secret-target.js';

export type Outcome = 'rotated' | 'fresh' | 'would-rotate' | 'failed';

/**
 * written: both secrets hold the new key. partial: the secret key was (or may have been)
 * written but not the key id, a mismatched pair. failed: GitHub refused, nothing was written.
 * would-write: dry run, access checked. ready: access checked, not written.
 */
export type TargetState = 'written' | 'partial' | 'failed' | 'would-write' | 'ready';

export interface TargetResult {
  readonly target: string;
  readonly scope: SecretScope;
  readonly state: TargetState;
  /** The access key id the target's key-id secret holds after this run, when known. */
  readonly keyId?: string;
  readonly error?: string;
}

export interface UserResult {
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
}
