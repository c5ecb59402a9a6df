import { beforeEach, describe, expect, it } from '@jest/globals';
import type { RotationDeps } from '../../../src/rotation/ports.js';
import { encodeRecord } from '../../../src/rotation/lifecycle-record.js';
import { assessUser, completeUser, rotateUser } from '../../../src/rotation/rotate-user.js';
import { startUserRun } from '../../../src/rotation/user-run.js';
import type { RotationPolicy, UserSpec } from '../../../src/model/settings.js';
import type { Target } from '../../../src/model/secret-target.js';
import { recordOf } from '../support/facts.js';
import { FakeIam, FakeSecretStore, FakeVerifier } from '../support/fakes.js';
import { DEFAULT_POLICY, NOW, daysAgo } from '../support/fixtures.js';

const POLICY = DEFAULT_POLICY;

const repoTarget: Target = {
  scope: { type: 'repository', owner: 'octo', repo: 'app', kind: 'actions' },
  accessKeyIdName: 'AWS_ACCESS_KEY_ID',
  secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
};
const envTarget: Target = {
  scope: { type: 'environment', owner: 'octo', repo: 'app', environment: 'production' },
  accessKeyIdName: 'AWS_ACCESS_KEY_ID',
  secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
};
const USER: UserSpec = { name: 'ci-deploy', targets: [repoTarget, envTarget] };
const slot = FakeSecretStore.slot;

let iam: FakeIam;
let verifier: FakeVerifier;
let secrets: FakeSecretStore;
let deps: RotationDeps;

beforeEach(() => {
  iam = new FakeIam(() => NOW);
  verifier = new FakeVerifier();
  secrets = new FakeSecretStore();
  deps = {
    iam,
    verifier,
    secrets,
    log: () => undefined,
    now: () => NOW,
    sleep: async () => undefined,
    runId: 'octo/ops/7/1',
  };
});

/** overlap-hours 0 unless a test says otherwise: the old key is retired in the same run. */
const rotate = (policy: Partial<RotationPolicy> = {}, dryRun = false) =>
  rotateUser(USER, deps, { policy: { ...POLICY, overlapHours: 0, ...policy }, dryRun });
const ops = () => iam.calls.map((c) => c.op);

describe('rotateUser', () => {
  it('rotates a stale key: every target gets the new pair, then the old key is deactivated', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    const result = await rotate();
    expect(result.outcome).toBe('rotated');
    expect(result.newKeyId).toBe('AKIANEW1');
    expect(result.oldKeyAgeDays).toBe(120);
    for (const target of USER.targets) {
      expect(secrets.values.get(slot(target, 'AWS_ACCESS_KEY_ID'))).toBe('AKIANEW1');
      expect(secrets.values.get(slot(target, 'AWS_SECRET_ACCESS_KEY'))).toBe('new-secret-1-xyz');
    }
    expect(iam.keysOf('ci-deploy').map((k) => [k.id, k.status])).toEqual([
      ['AKIAOLD', 'Inactive'],
      ['AKIANEW1', 'Active'],
    ]);
    expect(result.deactivatedKeyIds).toEqual(['AKIAOLD']);
  });

  it('writes the secret access key before the key id within each target', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    await rotate();
    for (const target of USER.targets) {
      const secretAt = secrets.writes.indexOf(slot(target, 'AWS_SECRET_ACCESS_KEY'));
      const idAt = secrets.writes.indexOf(slot(target, 'AWS_ACCESS_KEY_ID'));
      expect(secretAt).toBeGreaterThanOrEqual(0);
      expect(secretAt).toBeLessThan(idAt);
    }
  });

  it('deletes the old key when retire-old-key is delete', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    const result = await rotate({ retireOldKey: 'delete' });
    expect(iam.keysOf('ci-deploy').map((k) => k.id)).toEqual(['AKIANEW1']);
    expect(result.deletedKeyIds).toEqual(['AKIAOLD']);
  });

  it('leaves a fresh key alone with two IAM reads: the keys and the record', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(10) }]);
    const result = await rotate();
    expect(result.outcome).toBe('fresh');
    expect(ops()).toEqual(['listKeys', 'listTags']);
    expect(secrets.writes).toEqual([]);
    expect(result.nextDueAt).toBe('2026-08-20T12:00:00Z');
  });

  it('fails a user with two active stale keys and changes nothing', async () => {
    iam.seed('ci-deploy', [
      { id: 'AKIA1', status: 'Active', createdAt: daysAgo(200) },
      { id: 'AKIA2', status: 'Active', createdAt: daysAgo(100) },
    ]);
    const result = await rotate();
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(
      /two active keys, AKIA1 \(200 d, never used\) and AKIA2 \(100 d, never used\); no rotation record/,
    );
    expect(ops()).toEqual(['listKeys', 'listTags', 'lastUsed', 'lastUsed']);
    expect(result.keys?.map((k) => [k.id, k.lastUsedAt])).toEqual([
      ['AKIA1', null],
      ['AKIA2', null],
    ]);
  });

  it('fails before touching IAM when a target cannot be reached', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    secrets.unreachable.add(
      'octo/app environment production: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY',
    );
    const result = await rotate();
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/nothing was changed/);
    expect(ops()).toEqual(['listKeys', 'listTags']);
    expect(result.targets.map((t) => t.state)).toEqual(['ready', 'failed']);
  });

  it('deletes a new key that never verifies and keeps the old one active', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    verifier.works = false;
    const result = await rotate();
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/AKIANEW1 was deleted/);
    expect(iam.keysOf('ci-deploy').map((k) => [k.id, k.status])).toEqual([['AKIAOLD', 'Active']]);
    expect(secrets.writes).toEqual([]);
  });

  it('skips verification when verify-new-key is false', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    verifier.works = false;
    expect((await rotate({ verifyNewKey: false })).outcome).toBe('rotated');
  });

  it('rolls back the new key when no target can be written', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    for (const target of USER.targets)
      secrets.failingWrites.add(slot(target, 'AWS_SECRET_ACCESS_KEY'));
    const result = await rotate();
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/no target could be written; the new key AKIANEW1 was deleted/);
    expect(iam.keysOf('ci-deploy').map((k) => [k.id, k.status])).toEqual([['AKIAOLD', 'Active']]);
  });

  it('does not roll back when a write failed in a way GitHub may have stored (5xx, timeout)', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    for (const target of USER.targets)
      secrets.uncertainWrites.add(slot(target, 'AWS_SECRET_ACCESS_KEY'));
    const result = await rotate();
    expect(result.outcome).toBe('failed');
    expect(result.targets.map((t) => t.state)).toEqual(['partial', 'partial']);
    expect(iam.keysOf('ci-deploy').map((k) => k.status)).toEqual(['Active', 'Active']);
    expect(result.message).toMatch(/May hold the new secret key with the old key id/);
  });

  it('keeps both keys active when only some targets were written, and says which holds what', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    secrets.failingWrites.add(slot(envTarget, 'AWS_SECRET_ACCESS_KEY'));
    const result = await rotate();
    expect(result.outcome).toBe('failed');
    expect(iam.keysOf('ci-deploy').every((k) => k.status === 'Active')).toBe(true);
    // The refused target holds what it held before, which this run cannot tell.
    expect(result.targets.map((t) => [t.state, t.keyId])).toEqual([
      ['written', 'AKIANEW1'],
      ['failed', undefined],
    ]);
    expect(result.message).toMatch(/both keys stay active/);
  });

  it('reports a target whose key id write failed after its secret key as partial', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    secrets.failingWrites.add(slot(envTarget, 'AWS_ACCESS_KEY_ID'));
    const result = await rotate();
    expect(result.targets[1]?.state).toBe('partial');
    expect(iam.keysOf('ci-deploy')).toHaveLength(2);
  });

  it('deletes an inactive key to make room, then rotates', async () => {
    iam.seed('ci-deploy', [
      { id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) },
      { id: 'AKIAIN', status: 'Inactive', createdAt: daysAgo(2) },
    ]);
    const result = await rotate();
    expect(result.outcome).toBe('rotated');
    expect(result.deletedKeyIds).toEqual(['AKIAIN']);
    expect(iam.keysOf('ci-deploy').map((k) => k.id)).toEqual(['AKIAOLD', 'AKIANEW1']);
  });

  it('plans without changing anything in a dry run', async () => {
    iam.seed('ci-deploy', [
      { id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) },
      { id: 'AKIAIN', status: 'Inactive', createdAt: daysAgo(2) },
    ]);
    const result = await rotate({}, true);
    expect(result.outcome).toBe('would-rotate');
    expect(result.message).toMatch(
      /would delete AKIAIN to make room, create a new key.*deactivate AKIAOLD/,
    );
    expect(ops()).toEqual(['listKeys', 'listTags']);
    expect(secrets.writes).toEqual([]);
    expect(result.targets.map((t) => t.state)).toEqual(['would-write', 'would-write']);
  });

  it('turns an IAM failure into a failed user, not a thrown error', async () => {
    iam.failures.set('listKeys', new Error('User: arn:aws:iam::1:user/x is not authorized'));
    const result = await rotate();
    expect(result).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/not authorized/),
    });
  });
});

describe('rotateUser with the default overlap window', () => {
  it('keeps the old key active after the switch and says when it will be retired', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    const result = await rotate({ overlapHours: 24 });
    expect(result.outcome).toBe('rotated');
    expect(iam.keysOf('ci-deploy').map((k) => [k.id, k.status])).toEqual([
      ['AKIAOLD', 'Active'],
      ['AKIANEW1', 'Active'],
    ]);
    expect(result.pending).toBe('retire AKIAOLD after 2026-06-02T12:00:00Z once unused for 24 h');
    expect(iam.tags.get('ci-deploy')).toMatchObject({
      'key-rotation:state': 'switched',
      'key-rotation:old-key': 'AKIAOLD',
      'key-rotation:new-key': 'AKIANEW1',
      'key-rotation:switched': '2026-06-01T12:00:00Z',
      'key-rotation:run': 'octo/ops/7/1',
    });
  });

  it('records the rotation before and after every change', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    await rotate({ overlapHours: 0 });
    const states = iam.calls.filter((c) => c.op === 'tagUser').map((c) => c.args[1]); // the first value is the state
    expect(states).toEqual(['creating', 'writing', 'switched', 'done']);
    const order = iam.calls.map((c) => c.op).filter((op) => op !== 'listKeys' && op !== 'listTags');
    expect(order).toEqual(['tagUser', 'createKey', 'tagUser', 'tagUser', 'setStatus', 'tagUser']);
  });
});

describe('a plan carried out after another run changed the user', () => {
  it('changes nothing when another run recorded a rotation after this one read the user', async () => {
    iam.seed('ci-deploy', [{ id: 'AKIAOLD', status: 'Active', createdAt: daysAgo(120) }]);
    const run = startUserRun(USER, deps, { policy: POLICY, dryRun: false });
    const assessed = await assessUser(run);
    if (!('plan' in assessed)) throw new Error('expected a plan');
    expect(assessed.plan.verdict).toBe('rotate');
    // Every user is assessed before any is carried out: another run rotates this one meanwhile.
    const other = recordOf({ state: 'switched', oldKeyId: 'AKIAOLD', newKeyId: 'AKIAOTHER' });
    iam.tags.set('ci-deploy', encodeRecord({ ...other, startedAt: NOW, switchedAt: NOW }));
    const changesBefore = iam.calls.length;
    const result = await completeUser(run, assessed.plan);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/changed after this run read it: another run is at work/);
    expect(iam.calls.slice(changesBefore).map((c) => c.op)).toEqual(['listTags']);
    expect(secrets.writes).toEqual([]);
    expect(iam.tags.get('ci-deploy')).toMatchObject({ 'key-rotation:new-key': 'AKIAOTHER' });
  });
});
