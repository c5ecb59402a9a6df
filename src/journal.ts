/** The running record of one user's rotation, which becomes its UserResult. */
import type { TargetResult, UserResult } from './result.js';
import { describeTarget } from './targets.js';
import type { Target } from './types.js';

/** The mutable record of one user's run; becomes the UserResult. */
export interface Journal {
  user: string;
  oldKeyId?: string;
  oldKeyAgeDays?: number;
  newKeyId?: string;
  deletedKeyIds: string[];
  deactivatedKeyIds: string[];
  targets: TargetResult[];
}

export type Finish = Pick<UserResult, 'outcome' | 'message'>;

export function targetResult(
  target: Target,
  state: TargetResult['state'],
  keyId: string | undefined,
  error?: string,
): TargetResult {
  const base = { target: describeTarget(target), scope: target.scope, state };
  return { ...base, ...(keyId ? { keyId } : {}), ...(error ? { error } : {}) };
}
