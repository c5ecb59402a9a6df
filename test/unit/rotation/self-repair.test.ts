/**
 * Self-rotation (the action rotates the user it signs in with): a target that did not get the
 * whole new pair gets it completed, or else the pair the action started with written back, so the
 * next scheduled run can still sign in.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { RotationDeps } from '../../../src/rotation/ports.js';
import { decodeRecord } from '../../../src/rotation/lifecycle-record.js';
import { rotateUser } from '../../../src/rotation/rotate-user.js';
import type { UserSpec } from '../../../src/model/settings.js';
import { repoTarget } from '../support/engine-world.js';
import { FakeIam, FakeSecretStore, FakeVerifier } from '../support/fakes.js';
import { DEFAULT_POLICY, NOW, daysAgo } from '../support/fixtures.js';

const app = repoTarget('app');
const ops = repoTarget('ops');
const USER: UserSpec = { name: 'ci-deploy', targets: [app, ops] };
const OWN = { id: 'AKIAOLD', secret: 'own-secret-xyz', createdAt: daysAgo(120) };
const slot = FakeSecretStore.slot;

let iam: FakeIam;
let secrets: FakeSecretStore;
let deps: RotationDeps;
let slept: number[];

beforeEach(() => {
  iam = new FakeIam(() => NOW);
  secrets = new FakeSecretStore(() => NOW);
  slept = [];
  deps = {
    iam,
    verifier: new FakeVerifier(),
    secrets,
    log: () => undefined,
    now: () => NOW,
    sleep: async (ms) => void slept.push(ms),
    runId: 'octo/ops/7/1',
    ownKey: OWN,
  };
  iam.seed('ci-deploy', [{ id: OWN.id, status: 'Active', createdAt: OWN.createdAt }]);
  for (const target of USER.targets) {
    secrets.values.set(slot(target, 'AWS_ACCESS_KEY_ID'), OWN.id);
    secrets.values.set(slot(target, 'AWS_SECRET_ACCESS_KEY'), OWN.secret);
  }
});

const rotate = () =>
  rotateUser(USER, deps, { policy: { ...DEFAULT_POLICY, overlapHours: 0 }, dryRun: false });
const held = (target: typeof app) => [
  secrets.values.get(slot(target, 'AWS_ACCESS_KEY_ID')),
  secrets.values.get(slot(target, 'AWS_SECRET_ACCESS_KEY')),
];
const NEW_PAIR = ['AKIANEW1', 'new-secret-1-xyz'];
const record = () => {
  const reading = decodeRecord(iam.tags.get('ci-deploy') ?? {});
  if (reading.kind !== 'record') throw new Error(`no readable record: ${reading.kind}`);
  return reading.record;
};

describe('self-rotation repairs the targets it signs in with', () => {
  it('writes a key id that failed once again, and the rotation completes', async () => {
    secrets.failFirst.set(slot(app, 'AWS_ACCESS_KEY_ID'), { times: 1, mayHaveStored: true });
    const result = await rotate();
    expect(result.outcome).toBe('rotated');
    expect(held(app)).toEqual(NEW_PAIR);
    expect(held(ops)).toEqual(NEW_PAIR);
    expect(result.targets.map((t) => t.state)).toEqual(['written', 'written']);
    // Only the key id that failed is written again.
    const idWrites = (target: typeof app) =>
      secrets.writes.filter((w) => w === slot(target, 'AWS_ACCESS_KEY_ID')).length;
    expect([idWrites(app), idWrites(ops)]).toEqual([1, 1]);
    expect(iam.keysOf('ci-deploy').map((k) => [k.id, k.status])).toEqual([
      ['AKIAOLD', 'Inactive'],
      ['AKIANEW1', 'Active'],
    ]);
    expect(slept).toEqual([]);
  });

  it('writes the old pair back where the new id cannot be written, and keeps both keys', async () => {
    secrets.failFirst.set(slot(app, 'AWS_ACCESS_KEY_ID'), { times: 2, mayHaveStored: true });
    const result = await rotate();
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/The action rotates itself: 1 target\(s\) hold its old pair/);
    expect(held(app)).toEqual([OWN.id, OWN.secret]);
    expect(held(ops)).toEqual(NEW_PAIR);
    expect(result.targets.map((t) => [t.state, t.keyId])).toEqual([
      ['restored', 'AKIAOLD'],
      ['written', 'AKIANEW1'],
    ]);
    expect(iam.keysOf('ci-deploy').map((k) => k.status)).toEqual(['Active', 'Active']);
    // Written back after a pause, stamped clear of the new key's writes.
    expect(slept).toEqual([4_000]);
    expect(record()).toMatchObject({
      state: 'partial',
      restoredAt: new Date(NOW.getTime() + 2_000),
      stoppedAt: NOW,
    });
  });

  it('writes back only the secret key where the new id was refused (the old id is still there)', async () => {
    secrets.failFirst.set(slot(app, 'AWS_ACCESS_KEY_ID'), { times: 2, mayHaveStored: false });
    const result = await rotate();
    expect(held(app)).toEqual([OWN.id, OWN.secret]);
    const appWrites = secrets.writes.filter((w) => w.startsWith(slot(app, '')));
    expect(appWrites).toEqual([
      slot(app, 'AWS_SECRET_ACCESS_KEY'),
      slot(app, 'AWS_SECRET_ACCESS_KEY'),
    ]);
    expect(result.targets[0]?.state).toBe('restored');
  });

  it('leaves alone a target that refused the new secret key: it still holds the old pair', async () => {
    secrets.failingWrites.add(slot(app, 'AWS_SECRET_ACCESS_KEY'));
    const result = await rotate();
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/0 target\(s\) hold its old pair again/);
    expect(held(app)).toEqual([OWN.id, OWN.secret]);
    expect(result.targets.map((t) => t.state)).toEqual(['failed', 'written']);
    expect(slept).toEqual([]);
    expect(record()).toMatchObject({ state: 'partial' });
    expect(record().restoredAt).toBeUndefined();
  });

  it('does not count a target as restored when writing the old pair back fails too', async () => {
    secrets.failFirst.set(slot(app, 'AWS_ACCESS_KEY_ID'), { times: 3, mayHaveStored: true });
    const result = await rotate();
    expect(result.message).toMatch(/0 target\(s\) hold its old pair again/);
    expect(held(app)).toEqual([OWN.id, OWN.secret]);
    expect(result.targets[0]?.state).toBe('partial');
    // The error of the last attempt at the new id, not of the first.
    expect(result.targets[0]?.error).toMatch(/GitHub failed \(attempt 2\)/);
    expect(record().restoredAt).toEqual(new Date(NOW.getTime() + 2_000));
  });

  it('does not count a target as restored when the old secret key cannot be written back', async () => {
    secrets.failFirst.set(slot(app, 'AWS_ACCESS_KEY_ID'), { times: 2, mayHaveStored: true });
    const failSecondSecretWrite = secrets.write.bind(secrets);
    let secretWrites = 0;
    secrets.write = async (target, name, value) => {
      if (target === app && name === 'AWS_SECRET_ACCESS_KEY' && ++secretWrites === 2)
        throw new Error('socket hang up');
      return failSecondSecretWrite(target, name, value);
    };
    const result = await rotate();
    expect(result.message).toMatch(/0 target\(s\) hold its old pair again/);
    expect(held(app)).toEqual([OWN.id, 'new-secret-1-xyz']);
  });
});
