import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  CLOCK_SKEW_MS,
  assessRecovery,
  holdingOf,
} from '../../../src/rotation/interrupted-rotation.js';
import type { RotationDeps } from '../../../src/rotation/ports.js';
import { rotateUser } from '../../../src/rotation/rotate-user.js';
import type { KeyFact } from '../../../src/model/access-key.js';
import type { Target } from '../../../src/model/secret-target.js';
import type { UserSpec } from '../../../src/model/settings.js';
import { FakeIam, FakeSecretStore, FakeVerifier } from '../support/fakes.js';
import { DEFAULT_POLICY, NOW, daysAgo, minutesAgo } from '../support/fixtures.js';

const target = (repo: string): Target => ({
  scope: { type: 'repository', owner: 'octo', repo, kind: 'actions' },
  accessKeyIdName: 'AWS_ACCESS_KEY_ID',
  secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
});
const A = target('a');
const B = target('b');
const older: KeyFact = { id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(95) };
const newest: KeyFact = { id: 'AKIANEWER', status: 'Active', createdAt: minutesAgo(30) };

describe('holdingOf', () => {
  const stamps = (secret?: Date, id?: Date) => ({
    target: A,
    secretUpdatedAt: secret,
    idUpdatedAt: id,
  });
  it.each([
    ['both written after creation', stamps(minutesAgo(29), minutesAgo(29)), 'new'],
    ['died between the two writes', stamps(minutesAgo(29), daysAgo(95)), 'secret-only'],
    ['secret written, id never existed', stamps(minutesAgo(29), undefined), 'secret-only'],
    ['both written before creation', stamps(daysAgo(95), daysAgo(95)), 'old'],
    ['never written', stamps(undefined, undefined), 'old'],
    ['only the id is newer', stamps(daysAgo(95), minutesAgo(29)), 'foreign'],
    [
      'written within the clock skew before creation',
      stamps(new Date(newest.createdAt.getTime() - CLOCK_SKEW_MS + 1000), minutesAgo(29)),
      'new',
    ],
  ])('%s', (_name, s, holding) => expect(holdingOf(s, newest)).toBe(holding));
});

describe('assessRecovery', () => {
  const at = (when: Date) => ({ secretUpdatedAt: when, idUpdatedAt: when });
  it('finishes when every target holds the newest key', () => {
    const r = assessRecovery(
      newest,
      older,
      [
        { target: A, ...at(minutesAgo(29)) },
        { target: B, ...at(minutesAgo(28)) },
      ],
      NOW,
    );
    expect(r.kind).toBe('finish');
  });
  it('undoes when no target holds it', () => {
    const r = assessRecovery(newest, older, [{ target: A, ...at(daysAgo(95)) }], NOW);
    expect(r.kind).toBe('undo');
  });
  it('completes half-written pairs and then finishes', () => {
    const r = assessRecovery(
      newest,
      older,
      [
        { target: A, ...at(minutesAgo(29)) },
        { target: B, secretUpdatedAt: minutesAgo(29), idUpdatedAt: daysAgo(95) },
      ],
      NOW,
    );
    expect(r.kind).toBe('finish');
    expect(r.completePairs).toEqual([B]);
  });
  it('is stuck when targets disagree, and says which holds which key', () => {
    const r = assessRecovery(
      newest,
      older,
      [
        { target: A, ...at(minutesAgo(29)) },
        { target: B, ...at(daysAgo(95)) },
      ],
      NOW,
    );
    expect(r.kind).toBe('stuck');
    expect(r.reason).toMatch(/left AKIANEWER in octo\/a .* and AKIAOLD in octo\/b/);
  });
  it('leaves a key that may belong to a run in progress alone', () => {
    const young = { ...newest, createdAt: minutesAgo(2) };
    const r = assessRecovery(young, older, [{ target: A, ...at(daysAgo(95)) }], NOW);
    expect(r.kind).toBe('stuck');
    expect(r.reason).toMatch(
      /created 120s ago .* another run may be rotating this user now.*run again in 13 minute/,
    );
  });

  it('finishes even for a young key, since every target already holds it', () => {
    const young = { ...newest, createdAt: minutesAgo(2) };
    const r = assessRecovery(young, older, [{ target: A, ...at(minutesAgo(1)) }], NOW);
    expect(r.kind).toBe('finish');
  });

  it('is stuck when something else wrote a key id', () => {
    const r = assessRecovery(
      newest,
      older,
      [{ target: A, secretUpdatedAt: daysAgo(95), idUpdatedAt: minutesAgo(1) }],
      NOW,
    );
    expect(r.kind).toBe('stuck');
  });
});

describe('rotateUser after an interrupted run', () => {
  const POLICY = DEFAULT_POLICY;
  const user: UserSpec = { name: 'u', targets: [A, B] };
  let iam: FakeIam;
  let secrets: FakeSecretStore;
  let deps: RotationDeps;
  const slot = FakeSecretStore.slot;

  beforeEach(() => {
    iam = new FakeIam(() => NOW);
    secrets = new FakeSecretStore(() => NOW);
    deps = { iam, verifier: new FakeVerifier(), secrets, log: () => undefined, now: () => NOW };
    iam.seed('u', [older, newest]);
  });

  const stamp = (t: Target, when: Date, name = 'both') => {
    if (name !== 'id') secrets.stamps.set(slot(t, 'AWS_SECRET_ACCESS_KEY'), when);
    if (name !== 'secret') secrets.stamps.set(slot(t, 'AWS_ACCESS_KEY_ID'), when);
  };

  it('retires the old key when the crashed run had written every target', async () => {
    stamp(A, minutesAgo(29));
    stamp(B, minutesAgo(29));
    const result = await rotateUser(user, deps, { policy: POLICY, dryRun: false });
    expect(result).toMatchObject({
      outcome: 'rotated',
      oldKeyId: 'AKIAOLD',
      newKeyId: 'AKIANEWER',
    });
    expect(iam.keysOf('u').map((k) => [k.id, k.status])).toEqual([
      ['AKIAOLD', 'Inactive'],
      ['AKIANEWER', 'Active'],
    ]);
    expect(secrets.writes).toEqual([]);
  });

  it('completes a half-written pair with the newest key id', async () => {
    stamp(A, minutesAgo(29));
    stamp(B, daysAgo(95));
    stamp(B, minutesAgo(29), 'secret');
    const result = await rotateUser(user, deps, { policy: POLICY, dryRun: false });
    expect(result.outcome).toBe('rotated');
    expect(secrets.values.get(slot(B, 'AWS_ACCESS_KEY_ID'))).toBe('AKIANEWER');
  });

  it('deactivates an orphaned key and rotates the stale one properly', async () => {
    stamp(A, daysAgo(95));
    stamp(B, daysAgo(95));
    const result = await rotateUser(user, deps, { policy: POLICY, dryRun: false });
    expect(result.outcome).toBe('rotated');
    // The orphan was deactivated, then deleted to make room for a key every target now holds.
    expect(iam.keysOf('u').map((k) => [k.id, k.status])).toEqual([
      ['AKIAOLD', 'Inactive'],
      ['AKIANEW1', 'Active'],
    ]);
    expect(secrets.values.get(slot(A, 'AWS_ACCESS_KEY_ID'))).toBe('AKIANEW1');
  });

  it('completes a half-written pair even when the targets disagree', async () => {
    stamp(A, daysAgo(95));
    stamp(B, daysAgo(95));
    stamp(B, minutesAgo(29), 'secret');
    const third = target('c');
    stamp(third, minutesAgo(29));
    const result = await rotateUser({ name: 'u', targets: [A, B, third] }, deps, {
      policy: POLICY,
      dryRun: false,
    });
    expect(result.outcome).toBe('failed');
    expect(secrets.values.get(slot(B, 'AWS_ACCESS_KEY_ID'))).toBe('AKIANEWER');
    expect(iam.keysOf('u').every((k) => k.status === 'Active')).toBe(true);
  });

  it('still recovers with max-age-days 0, where every key counts as stale', async () => {
    stamp(A, minutesAgo(29));
    stamp(B, minutesAgo(29));
    const result = await rotateUser(user, deps, {
      policy: { ...POLICY, maxAgeDays: 0 },
      dryRun: false,
    });
    // The crashed run's key is held everywhere: its old key is retired, then it is rotated again.
    expect(result.outcome).toBe('rotated');
    expect(iam.keysOf('u').find((k) => k.id === 'AKIAOLD')).toBeUndefined();
    expect(iam.keysOf('u').map((k) => k.status)).toEqual(['Inactive', 'Active']);
  });

  it('fails without changing keys when targets hold different keys', async () => {
    stamp(A, minutesAgo(29));
    stamp(B, daysAgo(95));
    const result = await rotateUser(user, deps, { policy: POLICY, dryRun: false });
    expect(result.outcome).toBe('failed');
    expect(result.targets.map((t) => t.keyId)).toEqual(['AKIANEWER', 'AKIAOLD']);
    expect(iam.keysOf('u').every((k) => k.status === 'Active')).toBe(true);
  });

  it('changes nothing in a dry run, and says what it would finish', async () => {
    stamp(A, minutesAgo(29));
    stamp(B, minutesAgo(29));
    const result = await rotateUser(user, deps, { policy: POLICY, dryRun: true });
    expect(result.outcome).toBe('would-rotate');
    expect(iam.calls.map((c) => c.op)).toEqual(['listKeys']);
  });

  it('leaves two stale active keys to the two-active-keys policy', async () => {
    iam.seed('u', [older, { ...newest, createdAt: daysAgo(91) }]);
    const result = await rotateUser(user, deps, { policy: POLICY, dryRun: false });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/two active access keys/);
    expect(iam.calls.map((c) => c.op)).toEqual(['listKeys']);
  });
});
