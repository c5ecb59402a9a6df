/**
 * The bundled action (dist/index.js) started as a runner starts it, against moto and the GitHub
 * stand-in. Every case ends with the secret scan and a check that GitHub saw only valid requests.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  FORBIDDEN_TOKEN,
  TOKEN,
  authenticatesAs,
  expectNoLeaks,
  startWorld,
  type World,
} from './support/world.js';

const repo = (name: string, id: number, environments?: string[]) => ({
  owner: 'octo',
  repo: name,
  id,
  environments,
});

let world: World;
let lastRun: Awaited<ReturnType<World['run']>> | undefined;

beforeAll(async () => {
  world = await startWorld({
    users: [
      { name: 'stale', keys: [{ status: 'Active', ageDays: 120 }] },
      { name: 'fresh', keys: [{ status: 'Active', ageDays: 10 }] },
      {
        name: 'with-inactive',
        keys: [
          { status: 'Active', ageDays: 100 },
          { status: 'Inactive', ageDays: 3 },
        ],
      },
      {
        name: 'two-active',
        keys: [
          { status: 'Active', ageDays: 200 },
          { status: 'Active', ageDays: 95 },
        ],
      },
      { name: 'dry', keys: [{ status: 'Active', ageDays: 120 }] },
      { name: 'env-user', keys: [{ status: 'Active', ageDays: 91 }] },
      { name: 'bad-input', keys: [{ status: 'Active', ageDays: 120 }] },
      { name: 'no-access', keys: [{ status: 'Active', ageDays: 120 }] },
      { name: 'new-user', keys: [] },
    ],
    repositories: [
      repo('app', 1, ['production']),
      repo('stale', 2),
      repo('fresh', 3),
      repo('with-inactive', 4),
      repo('two-active', 5),
      repo('dry', 6),
      repo('new-user', 7),
    ],
  });
});

afterAll(async () => world?.stop());

afterEach(() => {
  if (lastRun) {
    expect(expectNoLeaks(world, lastRun)).toEqual([]);
    expect(world.github.violations).toEqual([]);
  }
  lastRun = undefined;
});

async function run(inputs: Record<string, string>) {
  lastRun = await world.run(inputs);
  return lastRun;
}

function secretPair(owner: string, repoName: string, environment?: string) {
  const ref = { owner, repo: repoName, ...(environment ? { environment } : {}) };
  return {
    id: world.github.getSecret({ ...ref, name: 'AWS_ACCESS_KEY_ID' })?.value as string,
    secret: world.github.getSecret({ ...ref, name: 'AWS_SECRET_ACCESS_KEY' })?.value as string,
  };
}

describe('the bundled action against moto and the GitHub stand-in', () => {
  it('rotates a stale key: the secrets hold a new key that works, the old one waits out the overlap', async () => {
    const [old] = await world.keysOf('stale');
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'stale',
      repository: 'octo/stale',
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ rotated: '1', failed: '0' });
    const pair = secretPair('octo', 'stale');
    expect(pair.id).not.toBe(old!.id);
    expect(await authenticatesAs(world, pair)).toBe('arn:aws:iam::123456789012:user/stale');
    // Runs queued before the switch still carry the old key: it stays active for 24 hours.
    expect(await world.keysOf('stale')).toEqual([
      { id: old!.id, status: 'Active' },
      { id: pair.id, status: 'Active' },
    ]);
    expect(result.report[0]).toMatchObject({
      user: 'stale',
      outcome: 'rotated',
      oldKeyId: old!.id,
      newKeyId: pair.id,
      oldKeyAgeDays: 120,
      pending: expect.stringMatching(
        new RegExp(`^retire ${old!.id} after \\S+ once unused for 24 h$`),
      ),
    });
    expect(await world.recordOf('stale')).toMatchObject({
      'key-rotation:state': 'switched',
      'key-rotation:old-key': old!.id,
      'key-rotation:new-key': pair.id,
    });
    expect(result.summary).toContain(pair.id);
    expect(result.stdout).toContain(`::add-mask::${pair.secret}`);
  });

  it('retires the old key on a later run, once the window has passed and it went unused', async () => {
    const [old, current] = await world.keysOf('stale');
    await world.passTime(30, ['stale']);
    await world.moto.setLastUsed(old!.id, 30 * 60);
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'stale',
      repository: 'octo/stale',
    });
    expect(result.code).toBe(0);
    expect(await world.keysOf('stale')).toEqual([
      { id: old!.id, status: 'Inactive' },
      { id: current!.id, status: 'Active' },
    ]);
    expect(result.report[0]).toMatchObject({ outcome: 'retired', deactivatedKeyIds: [old!.id] });
    expect(await world.recordOf('stale')).toMatchObject({ 'key-rotation:state': 'done' });
    // Nothing was written to GitHub: the targets already hold the new key.
    expect(world.github.requests.filter((r: { method: string }) => r.method === 'PUT')).toEqual([]);
  });

  it('masks the new secret before anything else is printed about the key', async () => {
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'new-user',
      repository: 'octo/new-user',
    });
    expect(result.code).toBe(0);
    const pair = secretPair('octo', 'new-user');
    const maskAt = result.stdout.indexOf(`::add-mask::${pair.secret}`);
    expect(maskAt).toBeGreaterThanOrEqual(0);
    expect(maskAt).toBeLessThan(result.stdout.indexOf(`created ${pair.id}`));
    expect(result.report[0]).toMatchObject({
      outcome: 'rotated',
      oldKeyId: null,
      newKeyId: pair.id,
    });
  });

  it('leaves a fresh key alone with two IAM reads and no GitHub call', async () => {
    const before = await world.keysOf('fresh');
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'fresh',
      repository: 'octo/fresh',
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ rotated: '0', failed: '0' });
    expect(await world.keysOf('fresh')).toEqual(before);
    // One identity check per run (self-rotation); per user its keys and its rotation record.
    expect(world.proxy.countByAction()).toEqual({
      GetCallerIdentity: 1,
      ListAccessKeys: 1,
      ListUserTags: 1,
    });
    expect(world.github.requests).toEqual([]);
    expect(result.report[0]).toMatchObject({ outcome: 'fresh', nextDueAt: expect.any(String) });
  });

  it('deletes an inactive key to make room under the two-key limit', async () => {
    const [active, inactive] = await world.keysOf('with-inactive');
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'with-inactive',
      repository: 'octo/with-inactive',
    });
    expect(result.code).toBe(0);
    const pair = secretPair('octo', 'with-inactive');
    expect(await world.keysOf('with-inactive')).toEqual([
      { id: active!.id, status: 'Active' },
      { id: pair.id, status: 'Active' },
    ]);
    expect(result.report[0]).toMatchObject({
      deletedKeyIds: [inactive!.id],
      deactivatedKeyIds: [],
    });
  });

  it('fails safely on two active keys under the default policy: nothing changes', async () => {
    const before = await world.keysOf('two-active');
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'two-active',
      repository: 'octo/two-active',
    });
    expect(result.code).toBe(1);
    expect(result.outputs).toMatchObject({ rotated: '0', failed: '1' });
    expect(result.stdout).toMatch(
      /two-active: blocked: two active keys, \S+ \(200 d, never used\) and \S+ \(95 d, never used\); no rotation record says which one the targets hold/,
    );
    expect(await world.keysOf('two-active')).toEqual(before);
    expect(
      world.github
        .listSecrets()
        .filter((s: { ref: { repo?: string } }) => s.ref.repo === 'two-active'),
    ).toEqual([]);
  });

  it('plans a dry run, proves access, and changes nothing', async () => {
    const before = await world.keysOf('dry');
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'dry',
      repository: 'octo/dry',
      'dry-run': 'true',
    });
    expect(result.code).toBe(0);
    expect(await world.keysOf('dry')).toEqual(before);
    expect(world.github.requests.map((r: { method: string }) => r.method)).toEqual(['GET']);
    expect(world.proxy.countByAction()).toEqual({
      GetCallerIdentity: 1,
      ListAccessKeys: 1,
      ListUserTags: 1,
    });
    expect(await world.recordOf('dry')).toEqual({});
    expect(result.report[0]).toMatchObject({ outcome: 'would-rotate' });
    expect(result.summary).toContain('Dry run');
  });

  it('writes environment secrets', async () => {
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'env-user',
      repository: 'octo/app',
      environment: 'production',
    });
    expect(result.code).toBe(0);
    const pair = secretPair('octo', 'app', 'production');
    expect(await authenticatesAs(world, pair)).toBe('arn:aws:iam::123456789012:user/env-user');
    expect(
      world.github.getSecret({ owner: 'octo', repo: 'app', name: 'AWS_ACCESS_KEY_ID' }),
    ).toBeUndefined();
  });

  it('rejects bad input before any call, with one message naming each input', async () => {
    const before = await world.keysOf('bad-input');
    const result = await run({
      'github-token': TOKEN,
      'iam-user': 'bad-input',
      repository: 'octo/app',
      'access-key-id-secret': 'GITHUB_AWS_KEY',
      'max-age-days': 'ninety',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'access-key-id-secret: \\"GITHUB_AWS_KEY\\" is not a valid secret name'.replace(/\\"/g, '"'),
    );
    expect(result.stdout).toContain('max-age-days: "ninety" is not a whole number');
    expect(world.proxy.calls).toEqual([]);
    expect(world.github.requests).toEqual([]);
    expect(await world.keysOf('bad-input')).toEqual(before);
  });

  it('explains a token that may not write secrets, and changes nothing', async () => {
    const before = await world.keysOf('no-access');
    const result = await run({
      'github-token': FORBIDDEN_TOKEN,
      'iam-user': 'no-access',
      repository: 'octo/app',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /may not write secrets here \(403.*Secrets: Read and write.*GITHUB_TOKEN cannot write secrets/,
    );
    expect(await world.keysOf('no-access')).toEqual(before);
    expect(world.proxy.countByAction()).toEqual({
      GetCallerIdentity: 1,
      ListAccessKeys: 1,
      ListUserTags: 1,
    });
  });
});
