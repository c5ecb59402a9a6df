/**
 * A small world for engine tests: fake IAM and GitHub with a shared clock that tests move (never
 * sleep), crashes at any state-changing call, and the hand actions real accounts see (a key
 * made by a person, a key re-enabled, secrets pasted in by hand).
 */
import type { KeyFact, NewKey } from '../../../src/model/access-key.js';
import type { RotationPolicy, UserSpec } from '../../../src/model/settings.js';
import type { Target } from '../../../src/model/secret-target.js';
import type { UserResult } from '../../../src/model/user-result.js';
import type { RotationDeps } from '../../../src/rotation/ports.js';
import { rotateUser } from '../../../src/rotation/rotate-user.js';
import { FakeIam, FakeSecretStore, FakeVerifier } from './fakes.js';
import { DEFAULT_POLICY, NOW } from './fixtures.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export class Crash extends Error {
  constructor() {
    super('the runner died');
    this.name = 'Crash';
  }
}

export const repoTarget = (repo: string): Target => ({
  scope: { type: 'repository', owner: 'octo', repo, kind: 'actions' },
  accessKeyIdName: 'AWS_ACCESS_KEY_ID',
  secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
});

/** What a retirement or deletion by the action looked like when it happened. */
export interface Removal {
  readonly keyId: string;
  readonly op: 'deactivate' | 'delete';
  readonly heldByTarget: boolean;
  readonly lastUsedAt: Date | null | undefined;
  readonly at: Date;
  readonly wasActive: boolean;
}

export class EngineWorld {
  now = new Date(NOW);
  readonly iam = new FakeIam(() => this.now);
  readonly secrets = new FakeSecretStore(() => this.now);
  readonly verifier = new FakeVerifier();
  readonly removals: Removal[] = [];
  /** State-changing calls left before the runner dies; undefined: it never does. */
  private crashIn: number | undefined;
  private dead = false;
  readonly log: string[] = [];

  constructor(
    readonly user: UserSpec = { name: 'u', targets: [repoTarget('a'), repoTarget('b')] },
  ) {
    this.watchChanges();
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  /** The runner dies at the `n`th state-changing call of the next run (1 = the first). */
  crashAt(n: number): void {
    this.crashIn = n;
  }

  /**
   * Runs the action once for the user; a crash ends the run where it happened. A run starts a
   * minute after whatever came before it, as real runs do.
   */
  async run(
    policy: Partial<RotationPolicy> = {},
    options: { dryRun?: boolean; ownKey?: NewKey; runId?: string } = {},
  ): Promise<UserResult> {
    this.dead = false;
    this.advance(60_000);
    const deps: RotationDeps = {
      iam: this.iam,
      verifier: this.verifier,
      secrets: this.secrets,
      log: (line) => this.log.push(line),
      now: () => this.now,
      sleep: async (ms) => this.advance(ms),
      runId: options.runId ?? `octo/ops/${this.now.getTime()}/1`,
      ...(options.ownKey ? { ownKey: options.ownKey } : {}),
    };
    const result = await rotateUser(this.user, deps, {
      policy: { ...DEFAULT_POLICY, ...policy },
      dryRun: options.dryRun ?? false,
    });
    this.crashIn = undefined;
    return result;
  }

  get crashed(): boolean {
    return this.dead;
  }

  // --- Setting the scene --------------------------------------------------------------------

  seedKey(key: Omit<KeyFact, 'createdAt'> & { ageDays: number }): void {
    const { ageDays, ...rest } = key;
    this.addKey({ ...rest, createdAt: new Date(this.now.getTime() - ageDays * DAY) });
  }

  /** Adds a key as IAM would hold it, leaving the other keys (and their secrets) as they are. */
  private addKey(key: KeyFact): void {
    const stored = { ...key, secret: `seed-secret-${key.id}` };
    this.iam.keys.set(this.user.name, [...this.iam.keysOf(this.user.name), stored]);
  }

  /** Every target holds the key's pair, written `ago` ms before now. */
  pasteIntoTargets(keyId: string, ago = 0, targets: readonly Target[] = this.user.targets): void {
    const key = this.iam.keysOf(this.user.name).find((k) => k.id === keyId);
    if (!key) throw new Error(`no key ${keyId}`);
    const at = new Date(this.now.getTime() - ago);
    for (const target of targets) {
      this.setSecret(target, target.secretAccessKeyName, key.secret, at);
      this.setSecret(target, target.accessKeyIdName, key.id, at);
    }
  }

  setSecret(target: Target, name: string, value: string, at: Date = this.now): void {
    const slot = FakeSecretStore.slot(target, name);
    this.secrets.values.set(slot, value);
    this.secrets.stamps.set(slot, at);
  }

  /** A person creates a key in the console. */
  handMakeKey(): string {
    const id = `AKIAHAND${this.now.getTime().toString(36).toUpperCase()}`;
    this.addKey({ id, status: 'Active', createdAt: this.now });
    return id;
  }

  setStatusByHand(keyId: string, status: 'Active' | 'Inactive'): void {
    const keys = this.iam.keysOf(this.user.name);
    this.iam.keys.set(
      this.user.name,
      keys.map((k) => (k.id === keyId ? { ...k, status } : k)),
    );
  }

  /** Something signs with the key now (a deploy, a queued run). */
  use(keyId: string, at: Date = this.now): void {
    const keys = this.iam.keysOf(this.user.name);
    this.iam.keys.set(
      this.user.name,
      keys.map((k) => (k.id === keyId ? { ...k, lastUsedAt: at, lastUsedService: 's3' } : k)),
    );
  }

  /** Moves the record's `started` back, as if the run had begun that long ago. */
  ageRecord(ms: number): void {
    const tags = this.iam.tags.get(this.user.name) ?? {};
    const started = tags['key-rotation:started'];
    if (!started) return;
    const earlier = new Date(new Date(started).getTime() - ms).toISOString();
    tags['key-rotation:started'] = earlier.replace(/\.\d{3}Z$/, 'Z');
    const switched = tags['key-rotation:switched'];
    if (switched && switched !== '-') {
      const back = new Date(new Date(switched).getTime() - ms).toISOString();
      tags['key-rotation:switched'] = back.replace(/\.\d{3}Z$/, 'Z');
    }
  }

  // --- Reading the world --------------------------------------------------------------------

  keys(): { id: string; status: string }[] {
    return this.iam.keysOf(this.user.name).map(({ id, status }) => ({ id, status }));
  }

  record(): Record<string, string> {
    return { ...(this.iam.tags.get(this.user.name) ?? {}) };
  }

  heldId(target: Target): string | undefined {
    return this.secrets.values.get(FakeSecretStore.slot(target, target.accessKeyIdName));
  }

  /** Targets whose pair does not sign in: the id names no active key, or the secret differs. */
  brokenTargets(): string[] {
    return this.user.targets.flatMap((target) => {
      const id = this.heldId(target);
      if (id === undefined) return [];
      const secret = this.secrets.values.get(
        FakeSecretStore.slot(target, target.secretAccessKeyName),
      );
      const key = this.iam.keysOf(this.user.name).find((k) => k.id === id);
      const works = key?.status === 'Active' && key.secret === secret;
      return works
        ? []
        : [`${target.scope.type === 'repository' ? target.scope.repo : '?'}: ${id}`];
    });
  }

  // --- Crashes and the record of removals ---------------------------------------------------

  private tick(): void {
    if (this.dead) throw new Crash();
    if (this.crashIn === undefined) return;
    this.crashIn -= 1;
    if (this.crashIn <= 0) {
      this.dead = true;
      this.crashIn = undefined;
      throw new Crash();
    }
  }

  private watchChanges(): void {
    const iam = this.iam;
    const before =
      <T extends unknown[], R>(
        fn: (...args: T) => Promise<R>,
        check: (...args: T) => void = () => undefined,
      ) =>
      async (...args: T): Promise<R> => {
        this.tick();
        check(...args);
        return fn(...args);
      };
    const readOnly =
      <T extends unknown[], R>(fn: (...args: T) => Promise<R>) =>
      async (...args: T): Promise<R> => {
        if (this.dead) throw new Crash();
        return fn(...args);
      };
    iam.listKeys = readOnly(iam.listKeys.bind(iam));
    iam.listTags = readOnly(iam.listTags.bind(iam));
    iam.lastUsed = readOnly(iam.lastUsed.bind(iam));
    iam.createKey = before(iam.createKey.bind(iam));
    iam.tagUser = before(iam.tagUser.bind(iam));
    iam.untagUser = before(iam.untagUser.bind(iam));
    iam.setStatus = before(iam.setStatus.bind(iam), (_user, keyId, status) => {
      if (status === 'Inactive') this.noteRemoval(keyId, 'deactivate');
    });
    iam.deleteKey = before(iam.deleteKey.bind(iam), (_user, keyId) =>
      this.noteRemoval(keyId, 'delete'),
    );
    const secrets = this.secrets;
    secrets.write = before(secrets.write.bind(secrets));
    secrets.updatedAt = readOnly(secrets.updatedAt.bind(secrets));
    secrets.preflight = readOnly(secrets.preflight.bind(secrets));
  }

  private noteRemoval(keyId: string, op: Removal['op']): void {
    const key = this.iam.keysOf(this.user.name).find((k) => k.id === keyId);
    this.removals.push({
      keyId,
      op,
      heldByTarget: this.user.targets.some((t) => this.heldId(t) === keyId),
      lastUsedAt: key?.lastUsedAt,
      at: this.now,
      wasActive: key?.status === 'Active',
    });
  }
}
