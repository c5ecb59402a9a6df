/** In-memory stand-ins for the gateways, with the same limits as the real services. */
import { TargetError } from '../../../src/model/errors.js';
import type { IamGateway, KeyVerifier, SecretStore } from '../../../src/model/gateways.js';
import { describeTarget } from '../../../src/model/secret-target.js';
import type { KeyFact, KeyStatus, LastUse, NewKey } from '../../../src/model/access-key.js';
import type { Target } from '../../../src/model/secret-target.js';

export type IamOperation =
  | 'listKeys'
  | 'lastUsed'
  | 'createKey'
  | 'setStatus'
  | 'deleteKey'
  | 'listTags'
  | 'tagUser'
  | 'untagUser';

interface StoredKey extends KeyFact {
  secret: string;
}

export class FakeIam implements IamGateway {
  readonly keys = new Map<string, StoredKey[]>();
  readonly tags = new Map<string, Record<string, string>>();
  readonly calls: { op: IamOperation; args: string[] }[] = [];
  readonly failures = new Map<IamOperation, Error>();
  private counter = 0;

  constructor(private readonly now: () => Date) {}

  seed(user: string, keys: KeyFact[]): void {
    this.keys.set(
      user,
      keys.map((k) => ({ ...k, secret: `seed-secret-${k.id}` })),
    );
  }

  keysOf(user: string): StoredKey[] {
    return this.keys.get(user) ?? [];
  }

  private record(op: IamOperation, ...args: string[]): void {
    this.calls.push({ op, args });
    const failure = this.failures.get(op);
    if (failure) throw failure;
  }

  async listKeys(user: string): Promise<KeyFact[]> {
    this.record('listKeys', user);
    return this.keysOf(user).map(({ id, status, createdAt }) => ({ id, status, createdAt }));
  }

  async lastUsed(keyId: string): Promise<LastUse> {
    this.record('lastUsed', keyId);
    const found = [...this.keys.values()].flat().find((k) => k.id === keyId);
    return {
      at: found?.lastUsedAt ?? null,
      service: found?.lastUsedService,
      region: found?.lastUsedRegion,
    };
  }

  async listTags(user: string): Promise<Record<string, string>> {
    this.record('listTags', user);
    return { ...(this.tags.get(user) ?? {}) };
  }

  async tagUser(user: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.record('tagUser', user, ...Object.values(tags));
    this.tags.set(user, { ...(this.tags.get(user) ?? {}), ...tags });
  }

  async untagUser(user: string, keys: readonly string[]): Promise<void> {
    this.record('untagUser', user, ...keys);
    const kept = Object.entries(this.tags.get(user) ?? {}).filter(([key]) => !keys.includes(key));
    this.tags.set(user, Object.fromEntries(kept));
  }

  async createKey(user: string): Promise<NewKey> {
    this.record('createKey', user);
    const keys = this.keysOf(user);
    if (keys.length >= 2)
      throw Object.assign(new Error('LimitExceeded'), { name: 'LimitExceeded' });
    this.counter += 1;
    const key = {
      id: `AKIANEW${this.counter}`,
      secret: `new-secret-${this.counter}-xyz`,
      createdAt: this.now(),
    };
    this.keys.set(user, [...keys, { ...key, status: 'Active' }]);
    return key;
  }

  async setStatus(user: string, keyId: string, status: KeyStatus): Promise<void> {
    this.record('setStatus', user, keyId, status);
    this.keys.set(
      user,
      this.keysOf(user).map((k) => (k.id === keyId ? { ...k, status } : k)),
    );
  }

  async deleteKey(user: string, keyId: string): Promise<void> {
    this.record('deleteKey', user, keyId);
    const keys = this.keysOf(user);
    if (!keys.some((k) => k.id === keyId))
      throw Object.assign(new Error('NoSuchEntity'), { name: 'NoSuchEntity' });
    this.keys.set(
      user,
      keys.filter((k) => k.id !== keyId),
    );
  }
}

export class FakeVerifier implements KeyVerifier {
  works = true;
  readonly verified: string[] = [];
  async waitUntilWorks(_user: string, key: NewKey, timeoutSeconds: number): Promise<void> {
    if (!this.works)
      throw new Error(`the new key ${key.id} did not authenticate within ${timeoutSeconds}s`);
    this.verified.push(key.id);
  }
}

/** Holds plaintext values by "target label / secret name"; failures by target label and name. */
export class FakeSecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  readonly writes: string[] = [];
  readonly unreachable = new Set<string>();
  readonly failingWrites = new Set<string>();
  /** Writes that fail like a 5xx or a timeout: GitHub may have stored them. */
  readonly uncertainWrites = new Set<string>();
  /** Writes that fail only their first N times (refused unless `mayHaveStored`). */
  readonly failFirst = new Map<string, { times: number; mayHaveStored: boolean }>();
  private readonly attempts = new Map<string, number>();
  /** When each slot was last written; seeded by tests to imitate earlier runs. */
  readonly stamps = new Map<string, Date>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  static slot(target: Target, name: string): string {
    return `${describeTarget(target)} / ${name}`;
  }

  async preflight(target: Target): Promise<void> {
    if (this.unreachable.has(describeTarget(target)))
      throw new Error(`${describeTarget(target)}: 403`);
  }

  async write(target: Target, name: string, value: string): Promise<void> {
    const slot = FakeSecretStore.slot(target, name);
    const attempt = (this.attempts.get(slot) ?? 0) + 1;
    this.attempts.set(slot, attempt);
    const flaky = this.failFirst.get(slot);
    if (flaky && flaky.times > 0) {
      flaky.times -= 1;
      throw new TargetError(`${slot}: GitHub failed (attempt ${attempt})`, {
        mayHaveStored: flaky.mayHaveStored,
      });
    }
    if (this.failingWrites.has(slot)) {
      throw new TargetError(`${slot}: GitHub refused (422)`, { mayHaveStored: false });
    }
    if (this.uncertainWrites.has(slot)) {
      throw new TargetError(`${slot}: GitHub failed (502)`, { mayHaveStored: true });
    }
    this.writes.push(slot);
    this.values.set(slot, value);
    this.stamps.set(slot, this.now());
  }

  async updatedAt(target: Target, name: string): Promise<Date | undefined> {
    return this.stamps.get(FakeSecretStore.slot(target, name));
  }
}
