/** Writing a new key to every target: secret key first, key id last, each target on its own. */
import type { NewKey } from '../model/access-key.js';
import { mayHaveStored, messageOf } from '../model/errors.js';
import { describeScope, type Target } from '../model/secret-target.js';
import type { TargetResult } from '../model/user-result.js';
import { targetResult, type UserRun } from './user-run.js';

/** yes: GitHub confirmed. maybe: failed in a way that may have stored it. no: refused. */
export type Stored = 'yes' | 'maybe' | 'no';

export interface TargetWrite {
  readonly target: Target;
  readonly secret: Stored;
  /** 'no' when the key id was not written (or not attempted). */
  readonly id: Stored;
  readonly error?: string;
}

/** How a finished write of every target came out. */
export type Distribution = 'all' | 'none' | 'some';

export async function writeAllTargets(run: UserRun, key: NewKey): Promise<TargetWrite[]> {
  return Promise.all(run.user.targets.map((target) => writeTarget(run, target, key)));
}

export function distributionOf(writes: readonly TargetWrite[]): Distribution {
  if (writes.every((w) => w.secret === 'yes' && w.id === 'yes')) return 'all';
  // Only refusals everywhere: no target can hold the new key.
  if (writes.every((w) => w.secret === 'no')) return 'none';
  return 'some';
}

/** Secret key first, key id last: after a crash the id can be read back from IAM, the secret never. */
async function writeTarget(run: UserRun, target: Target, key: NewKey): Promise<TargetWrite> {
  const secret = await writeSecret(run, target, target.secretAccessKeyName, key.secret);
  if (secret.stored !== 'yes')
    return { target, secret: secret.stored, id: 'no', error: secret.error };
  const id = await writeSecret(run, target, target.accessKeyIdName, key.id, key.id);
  return { target, secret: 'yes', id: id.stored, ...(id.error ? { error: id.error } : {}) };
}

/** One secret; `shown` is what the log may say about the value (a key id, never a secret). */
export async function writeSecret(
  run: UserRun,
  target: Target,
  name: string,
  value: string,
  shown?: string,
): Promise<{ stored: Stored; error?: string }> {
  try {
    await run.secrets().write(target, name, value);
    run.log(`wrote ${name}${shown ? ` (${shown})` : ''} to ${describeScope(target.scope)}`);
    return { stored: 'yes' };
  } catch (error) {
    // A refusal stored nothing; any other failure may have stored the value.
    return { stored: mayHaveStored(error) ? 'maybe' : 'no', error: messageOf(error) };
  }
}

/** What the report may say of a target: only what is known. */
export function resultOf(write: TargetWrite, newKeyId: string): TargetResult {
  if (write.secret === 'yes' && write.id === 'yes') {
    return targetResult(write.target, 'written', newKeyId);
  }
  // Refused outright: unchanged, holding whatever it held before.
  if (write.secret === 'no') return targetResult(write.target, 'failed', undefined, write.error);
  return targetResult(write.target, 'partial', undefined, write.error);
}

export function partialMessage(targets: readonly TargetResult[], keyId: string): string {
  const names = (state: TargetResult['state']): string =>
    targets
      .filter((t) => t.state === state)
      .map((t) => t.target)
      .join('; ');
  const failed = names('failed');
  const partial = names('partial');
  return [
    `only some targets hold the new key ${keyId}; both keys stay active and nothing was retired.`,
    failed && `Unchanged (GitHub refused the write): ${failed}.`,
    partial &&
      `May hold the new secret key with the old key id, which fails until the next run ` +
        `completes the pair: ${partial}.`,
    'Fix the cause shown for each target and run again; see "Interrupted and partial ' +
      'rotations" in docs/troubleshooting.md.',
  ]
    .filter(Boolean)
    .join(' ');
}
