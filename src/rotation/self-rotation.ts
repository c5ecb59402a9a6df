/**
 * Self-rotation: when the action runs as one of the IAM users it rotates, that user goes last,
 * alone, and the action switches to the new key before it retires the one it runs with.
 */
import { sameIamUser } from '../model/access-key.js';
import type { UserSpec } from '../model/settings.js';

/** Splits the users into those rotated first (concurrently) and the caller's own, if listed. */
export function splitSelf(
  users: readonly UserSpec[],
  caller: { readonly userName: string | undefined },
): { others: UserSpec[]; self: UserSpec | undefined } {
  const isSelf = (user: UserSpec): boolean => sameIamUser(user.name, caller.userName);
  return { others: users.filter((u) => !isSelf(u)), self: users.find(isSelf) };
}
