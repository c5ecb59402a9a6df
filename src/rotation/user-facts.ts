/**
 * What the engine knows about one user before it decides: the keys and the rotation record,
 * read at once, and the costlier facts (a key's last use, the targets' stamps) read only when
 * a decision needs them, once each. Reading changes nothing.
 */
import { withLastUse, type KeyFact } from '../model/access-key.js';
import { decodeRecord, type RecordReading } from './lifecycle-record.js';
import type { TargetStamps } from './target-holdings.js';
import type { UserRun } from './user-run.js';

export interface UserFacts {
  readonly keys: readonly KeyFact[];
  readonly record: RecordReading;
  /** The key with its last use filled in (GetAccessKeyLastUsed), read once per key. */
  lastUse(key: KeyFact): Promise<KeyFact>;
  /** When each target's two secrets were last written, read once. */
  stamps(): Promise<readonly TargetStamps[]>;
  /** The keys with their last use where it has been read so far (reads nothing). */
  known(): readonly KeyFact[];
}

export async function gatherFacts(run: UserRun): Promise<UserFacts> {
  const name = run.user.name;
  const [keys, tags] = await Promise.all([run.iam.listKeys(name), run.iam.listTags(name)]);
  const lastUses = new Map<string, Promise<KeyFact>>();
  const read = new Map<string, KeyFact>();
  let stamps: Promise<readonly TargetStamps[]> | undefined;
  return {
    keys,
    record: decodeRecord(tags),
    lastUse(key) {
      if (key.lastUsedAt !== undefined) return Promise.resolve(key);
      const pending = lastUses.get(key.id);
      if (pending) return pending;
      const looked = run.iam.lastUsed(key.id).then((use) => {
        const fact = withLastUse(key, use);
        read.set(key.id, fact);
        return fact;
      });
      lastUses.set(key.id, looked);
      return looked;
    },
    known: () => keys.map((key) => read.get(key.id) ?? key),
    stamps() {
      stamps ??= readStamps(run);
      return stamps;
    },
  };
}

async function readStamps(run: UserRun): Promise<TargetStamps[]> {
  if (!run.hasSecrets) {
    throw new Error(
      'the rotation record shows a rotation in progress; telling which key each target holds ' +
        'needs github-token, even in a dry run',
    );
  }
  const store = run.secrets();
  return Promise.all(
    run.user.targets.map(async (target) => {
      const [secretUpdatedAt, idUpdatedAt] = await Promise.all([
        store.updatedAt(target, target.secretAccessKeyName),
        store.updatedAt(target, target.accessKeyIdName),
      ]);
      return { target, secretUpdatedAt, idUpdatedAt };
    }),
  );
}
