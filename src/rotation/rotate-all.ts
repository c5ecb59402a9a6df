/** Every user of the run: the others first, concurrently; the caller's own user last and alone. */
import type { NewKey } from '../model/access-key.js';
import type { UserSpec } from '../model/settings.js';
import type { UserResult } from '../model/user-result.js';
import { mapWithConcurrency } from '../lib/map-with-concurrency.js';
import type { RotationDeps, RotationOptions } from './ports.js';
import { rotateUser } from './rotate-user.js';
import { splitSelf } from './self-rotation.js';

export interface RunOptions extends RotationOptions {
  readonly concurrency: number;
  /** The IAM user the action runs as, if it is one. */
  readonly callerUserName: string | undefined;
  /** Switches the action's own credentials to its verified new key (self-rotation). */
  readonly switchToNewKey: (user: string, key: NewKey) => void;
  /** The key the action runs with, when it is an IAM user's key (self-rotation). */
  readonly ownKey?: () => Promise<NewKey | undefined>;
}

export async function rotateAll(
  users: readonly UserSpec[],
  deps: RotationDeps,
  options: RunOptions,
): Promise<UserResult[]> {
  const { others, self } = splitSelf(users, { userName: options.callerUserName });
  const results = await mapWithConcurrency(others, options.concurrency, (user) =>
    rotateUser(user, deps, options),
  );
  if (!self) return results;
  deps.log(`${self.name}: the action runs as this user; it is rotated last`);
  const onVerified = (key: NewKey): void => options.switchToNewKey(self.name, key);
  const ownKey = await options.ownKey?.();
  const selfDeps = { ...deps, onVerified, ...(ownKey ? { ownKey } : {}) };
  return [...results, await rotateUser(self, selfDeps, options)];
}
