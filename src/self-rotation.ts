/**
 * Self-rotation: when the action runs as one of the IAM users it rotates, that user goes last,
 * alone, and the action switches to the new key before it retires the one it runs with.
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { userNameFromArn } from './aws/key-verifier.js';
import type { UserSpec } from './types.js';

export interface Caller {
  /** The IAM user the action runs as; undefined for roles (OIDC) and federated sessions. */
  readonly userName: string | undefined;
  readonly arn: string;
}

export async function identifyCaller(sts: STSClient): Promise<Caller> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  const arn = identity.Arn ?? '';
  return { arn, userName: userNameFromArn(arn) };
}

/** Splits the users into those rotated first (concurrently) and the caller's own, if listed. */
export function splitSelf(
  users: readonly UserSpec[],
  caller: Caller,
): { others: UserSpec[]; self: UserSpec | undefined } {
  // IAM user names are case-insensitive.
  const isSelf = (user: UserSpec): boolean =>
    user.name.toLowerCase() === caller.userName?.toLowerCase();
  return { others: users.filter((u) => !isSelf(u)), self: users.find(isSelf) };
}
