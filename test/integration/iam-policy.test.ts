/**
 * The least-privilege IAM policy of the README (examples/iam-policy.json) is enough, and no more:
 * moto enforces IAM policies here (INITIAL_NO_AUTH_ACTION_COUNT=0), the action runs as a user
 * holding exactly that policy, rotates a user under the managed path, and is refused another.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../emulators/action-runner.mjs';
import { TOKEN, authenticatesAs, expectNoLeaks, startWorld, type World } from './support/world.js';

const policy = JSON.parse(readFileSync(`${repoRoot}/examples/iam-policy.json`, 'utf8')) as Record<
  string,
  unknown
>;

const CONFIG = `users:
  - name: managed-app
    targets:
      - repository: octo/managed
  - name: outsider
    targets:
      - repository: octo/outside
`;

let world: World;
let run: Awaited<ReturnType<World['run']>>;

beforeAll(async () => {
  world = await startWorld({
    motoEnv: { INITIAL_NO_AUTH_ACTION_COUNT: '0' },
    users: [
      {
        name: 'rotator',
        keys: [{ status: 'Active', ageDays: 1 }],
        inlinePolicies: { rotation: policy },
      },
      { name: 'managed-app', path: '/rotated/', keys: [{ status: 'Active', ageDays: 100 }] },
      { name: 'outsider', keys: [{ status: 'Active', ageDays: 100 }] },
      // Rotates itself: it holds the policy and lives under the managed path.
      {
        name: 'self-rotator',
        path: '/rotated/',
        keys: [{ status: 'Active', ageDays: 100 }],
        inlinePolicies: { rotation: policy },
      },
      { name: 'peer', path: '/rotated/', keys: [{ status: 'Active', ageDays: 100 }] },
    ],
    repositories: [
      { owner: 'octo', repo: 'managed', id: 1 },
      { owner: 'octo', repo: 'outside', id: 2 },
      { owner: 'octo', repo: 'self', id: 3 },
    ],
  });
  const rotator = world.moto.state.users['rotator']![0]!;
  // overlap-hours 0: the old key is retired in the same run, so retiring is proven too.
  run = await world.run(
    { 'github-token': TOKEN, config: 'rotation.yml', 'overlap-hours': '0' },
    {
      inputs: {},
      files: { 'rotation.yml': CONFIG },
      env: {
        AWS_ACCESS_KEY_ID: rotator.accessKeyId,
        AWS_SECRET_ACCESS_KEY: rotator.secretAccessKey,
      },
    },
  );
}, 120_000);

afterAll(async () => world?.stop());

describe('the README IAM policy, enforced by moto', () => {
  it('lets the action rotate a user under the managed path, with a key that really signs', async () => {
    expect(run.report[0]).toMatchObject({ user: 'managed-app', outcome: 'rotated' });
    const id = world.github.getSecret({ owner: 'octo', repo: 'managed', name: 'AWS_ACCESS_KEY_ID' })
      ?.value as string;
    const secret = world.github.getSecret({
      owner: 'octo',
      repo: 'managed',
      name: 'AWS_SECRET_ACCESS_KEY',
    })?.value as string;
    // moto checks signatures here, so this proves the secret itself, not only the key id.
    expect(await authenticatesAs(world, { id, secret })).toBe(
      'arn:aws:iam::123456789012:user/rotated/managed-app',
    );
    expect((await world.keysOf('managed-app')).map((k) => k.status)).toEqual([
      'Inactive',
      'Active',
    ]);
  });

  it('keeps the rotation record in tags it may write, and no other tags', async () => {
    expect(await world.recordOf('managed-app')).toMatchObject({ 'key-rotation:state': 'done' });
    const rotator = world.moto.state.users['rotator']![0]!;
    const asRotator = new IAMClient({
      region: 'us-east-1',
      endpoint: world.moto.endpoint,
      credentials: { accessKeyId: rotator.accessKeyId, secretAccessKey: rotator.secretAccessKey },
    });
    const tag = (Key: string) =>
      asRotator.send(new TagUserCommand({ UserName: 'managed-app', Tags: [{ Key, Value: 'x' }] }));
    await expect(tag('key-rotation:note')).resolves.toBeDefined();
    await expect(tag('team')).rejects.toMatchObject({ name: 'AccessDenied' });
    asRotator.destroy();
  });

  it('gives a clear permission error for a user outside the path, and changes nothing there', async () => {
    expect(run.code).toBe(1);
    expect(run.report[1]).toMatchObject({ user: 'outsider', outcome: 'failed' });
    expect(run.report[1]!.message).toMatch(
      /^AWS denied the request: User: arn:aws:iam::123456789012:user\/rotator is not authorized to perform: iam:(ListAccessKeys|ListUserTags).*least-privilege IAM policy/,
    );
    expect(await world.keysOf('outsider')).toHaveLength(1);
    expect(world.github.listSecrets()).toHaveLength(2);
  });

  it('leaks nothing', () => {
    expect(expectNoLeaks(world, run)).toEqual([]);
    expect(world.github.violations).toEqual([]);
  });
});

describe('self-rotation', () => {
  const SELF_CONFIG = `users:
  - name: self-rotator
    targets:
      - repository: octo/self
  - name: peer
    targets:
      - repository: octo/self
        access-key-id: PEER_ID
        secret-access-key: PEER_SECRET
`;

  it('rotates its own user last and retires the old key using the new one', async () => {
    const [old] = await world.keysOf('self-rotator');
    const self = await world.run(
      { 'github-token': TOKEN, config: 'rotation.yml', 'overlap-hours': '0' },
      {
        inputs: {},
        files: { 'rotation.yml': SELF_CONFIG },
        env: {
          AWS_ACCESS_KEY_ID: old!.id,
          AWS_SECRET_ACCESS_KEY: world.moto.state.users['self-rotator']![0]!.secretAccessKey,
        },
      },
    );
    expect(self.code).toBe(0);
    expect(self.report.map((r) => [r.user, r.outcome])).toEqual([
      ['peer', 'rotated'],
      ['self-rotator', 'rotated'],
    ]);
    const newId = world.github.getSecret({
      owner: 'octo',
      repo: 'self',
      name: 'AWS_ACCESS_KEY_ID',
    })?.value;
    expect(await world.keysOf('self-rotator')).toEqual([
      { id: old!.id, status: 'Inactive' },
      { id: newId, status: 'Active' },
    ]);
    const retire = world.proxy.calls.filter(
      (c: { action: string }) => c.action === 'UpdateAccessKey',
    );
    // peer's old key retired with the old credentials, the action's own with the new key.
    expect(retire.map((c) => c.accessKeyId)).toEqual([old!.id, newId]);
    expect(self.stdout).toMatch(/self-rotator: the action runs as this user; it is rotated last/);
    expect(expectNoLeaks(world, self)).toEqual([]);
  });
});
