/**
 * The key lifecycle in the untidy states real accounts are in: keys made by people, keys pasted
 * into the secrets by hand, keys re-enabled by hand, runs queued before a switch, a self-rotation
 * whose writes keep failing, targets that cannot be reached. Each case is one that the action got
 * wrong while it guessed from timestamps; the rotation record (user tags) now decides.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import {
  TOKEN,
  authenticatesAs,
  expectNoLeaks,
  invariantProblems,
  startWorld,
  type SecretPairRef,
  type World,
} from './support/world.js';

const ADMIN = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

let world: World;
const runs: Awaited<ReturnType<World['run']>>[] = [];
let checked: { user: string; refs: SecretPairRef[] } | undefined;

beforeAll(async () => {
  world = await startWorld({
    users: [
      // 1: A is in the secrets and used today; B was made by a person for another system.
      {
        name: 'hand-made',
        keys: [
          { status: 'Active', ageDays: 120, lastUsedDaysAgo: 0.1 },
          { status: 'Active', ageDays: 1, lastUsedDaysAgo: 0.2 },
        ],
      },
      // 2: A (200 days, in use) was pasted into the secrets by hand; B is a developer's key.
      {
        name: 'adopted',
        keys: [
          { status: 'Active', ageDays: 200, lastUsedDaysAgo: 0.1 },
          { status: 'Active', ageDays: 30 },
        ],
      },
      // 3: rotated, then a person re-enables the old key for a forgotten consumer.
      { name: 're-enabled', keys: [{ status: 'Active', ageDays: 100 }] },
      // 4: the action rotates the user it runs as, and one target's key id write keeps failing.
      {
        name: 'self-locked',
        keys: [{ status: 'Active', ageDays: 100 }],
        inlinePolicies: { admin: ADMIN },
      },
      // 5: a deploy queued before the switch still carries the old key.
      { name: 'queued', keys: [{ status: 'Active', ageDays: 100 }] },
      // 6: a target that cannot be reached.
      { name: 'unreachable', keys: [{ status: 'Active', ageDays: 100 }] },
    ],
    repositories: [
      'hand-made',
      'adopted',
      're-enabled',
      'self-locked',
      'self-locked-2',
      'queued',
      'unreachable',
      'unreachable-2',
    ].map((repo, i) => ({ owner: 'octo', repo, id: 300 + i })),
  });
});
afterAll(async () => world?.stop());

afterEach(async () => {
  for (const run of runs) expect(expectNoLeaks(world, run)).toEqual([]);
  expect(world.github.violations).toEqual([]);
  if (checked) expect(await invariantProblems(world, checked.user, checked.refs)).toEqual([]);
  runs.length = 0;
  checked = undefined;
});

const refs = (...repos: string[]): SecretPairRef[] =>
  repos.map((repo) => ({ owner: 'octo', repo }));

async function rotate(
  user: string,
  repos: string[],
  extra: {
    inputs?: Record<string, string>;
    env?: Record<string, string>;
    faults?: () => void;
  } = {},
) {
  checked = { user, refs: refs(...repos) };
  const targets = repos.map((repo) => `      - repository: octo/${repo}`).join('\n');
  const run = await world.run(
    { 'github-token': TOKEN, config: 'rotation.yml', ...extra.inputs },
    {
      inputs: {},
      files: { 'rotation.yml': `users:\n  - name: ${user}\n    targets:\n${targets}\n` },
      ...(extra.env ? { env: extra.env } : {}),
    },
    extra.faults,
  );
  runs.push(run);
  return run;
}

/** The seeded key's pair, written into the targets as a person would paste it. */
function paste(user: string, index: number, repos: string[], hoursAgo = 0) {
  const key = world.moto.state.users[user]![index]!;
  const updatedAt = new Date(Date.now() - hoursAgo * 3_600_000);
  for (const repo of repos) {
    const ref = { owner: 'octo', repo };
    world.github.seedSecret(
      { ...ref, name: 'AWS_ACCESS_KEY_ID' },
      { value: key.accessKeyId, updatedAt },
    );
    world.github.seedSecret(
      { ...ref, name: 'AWS_SECRET_ACCESS_KEY' },
      { value: key.secretAccessKey, updatedAt },
    );
  }
  return key;
}

describe('keys the action did not make', () => {
  it('1. a key made by a person is never deleted: two active keys without a record fail safely', async () => {
    const a = paste('hand-made', 0, ['hand-made'], 24 * 30);
    const before = await world.keysOf('hand-made');
    const run = await rotate('hand-made', ['hand-made']);
    expect(run.code).toBe(1);
    expect(await world.keysOf('hand-made')).toEqual(before);
    const entry = run.report[0] as { message: string; keys: { id: string; lastUsedAt: string }[] };
    // The message names both keys, their ages and their last use.
    expect(entry.message).toMatch(new RegExp(`${a.accessKeyId} \\(120 d, last used \\S+`));
    expect(entry.message).toMatch(/\(1 d, last used \S+/);
    expect(entry.message).toMatch(/no rotation record says which one the targets hold/);
    expect(entry.keys.map((k) => typeof k.lastUsedAt)).toEqual(['string', 'string']);
    expect(run.summary).toContain('> [!CAUTION]');
  });

  it('2. a key pasted into the secrets by hand is never deactivated, in a dry run or a real one', async () => {
    const a = paste('adopted', 0, ['adopted'], 24);
    const before = await world.keysOf('adopted');
    const dry = await rotate('adopted', ['adopted'], { inputs: { 'dry-run': 'true' } });
    expect(dry.report[0]).toMatchObject({ outcome: 'failed' });
    expect(JSON.stringify(dry.report)).not.toMatch(/every target holds/);
    const real = await rotate('adopted', ['adopted']);
    expect(real.code).toBe(1);
    expect(await world.keysOf('adopted')).toEqual(before);
    expect(before.find((k) => k.id === a.accessKeyId)?.status).toBe('Active');
  });

  it('3. a key a person re-enabled after its retirement stays on, run after run', async () => {
    const [old] = await world.keysOf('re-enabled');
    paste('re-enabled', 0, ['re-enabled'], 24 * 100);
    const first = await rotate('re-enabled', ['re-enabled'], { inputs: { 'overlap-hours': '0' } });
    expect(first.report[0]).toMatchObject({ outcome: 'rotated', deactivatedKeyIds: [old!.id] });
    await world.iam.send(
      new UpdateAccessKeyCommand({
        UserName: 're-enabled',
        AccessKeyId: old!.id,
        Status: 'Active',
      }),
    );
    for (let i = 0; i < 2; i++) {
      const next = await rotate('re-enabled', ['re-enabled'], { inputs: { 'overlap-hours': '0' } });
      expect(next.code).toBe(0);
      expect(next.report[0]).toMatchObject({ outcome: 'fresh', deactivatedKeyIds: [] });
      expect(next.report[0]!.message).toMatch(
        /is active again \(re-enabled by hand\?\) and is left alone/,
      );
      expect((await world.keysOf('re-enabled')).map((k) => k.status)).toEqual(['Active', 'Active']);
    }
  });
});

describe('a rotation must never break a run or lock the action out', () => {
  it('4. self-rotation whose key id write keeps failing leaves a pair that signs in, and the next run can start', async () => {
    const own = paste('self-locked', 0, ['self-locked', 'self-locked-2'], 24 * 100);
    const ownEnv = {
      AWS_ACCESS_KEY_ID: own.accessKeyId,
      AWS_SECRET_ACCESS_KEY: own.secretAccessKey,
    };
    const run = await rotate('self-locked', ['self-locked', 'self-locked-2'], {
      env: ownEnv,
      faults: () => {
        // Every attempt of the new key id's write to the second target fails (502), twice over:
        // the write and its repair. The old pair then goes back.
        world.github.injectFault({
          method: 'PUT',
          path: /\/self-locked-2\/actions\/secrets\/AWS_ACCESS_KEY_ID$/,
          times: 8,
          response: { status: 502, body: { message: 'Bad gateway' } },
        });
      },
    });
    expect(run.code).toBe(1);
    expect(run.report[0]!.message).toMatch(/hold its old pair again, so the next run can sign in/);
    const pair = world.pairOf({ owner: 'octo', repo: 'self-locked-2' })!;
    expect(pair.id).toBe(own.accessKeyId);
    expect(await authenticatesAs(world, pair)).toMatch(/:user\/self-locked$/);
    // The next scheduled run takes its credentials from that target: it signs in.
    const next = await rotate('self-locked', ['self-locked', 'self-locked-2'], {
      env: { AWS_ACCESS_KEY_ID: pair.id, AWS_SECRET_ACCESS_KEY: pair.secret },
    });
    expect(next.stdout).not.toMatch(/AWS credentials do not work/);
    expect(next.report[0]!.message).toMatch(
      /left \S+ in octo\/self-locked .* and \S+ in octo\/self-locked-2/,
    );
  }, 120_000);

  it('5. a deploy queued before the switch keeps working: the old key waits, and is kept while used', async () => {
    const a = paste('queued', 0, ['queued'], 24 * 100);
    const run = await rotate('queued', ['queued']);
    expect(run.report[0]).toMatchObject({ outcome: 'rotated' });
    // The queued deploy signs with the old pair after the switch.
    expect(await authenticatesAs(world, { id: a.accessKeyId, secret: a.secretAccessKey })).toMatch(
      /:user\/queued$/,
    );
    await world.passTime(30, ['queued']);
    await world.moto.setLastUsed(a.accessKeyId, 60, { service: 's3', region: 'eu-west-1' });
    const kept = await rotate('queued', ['queued']);
    expect(kept.code).toBe(0);
    expect(kept.report[0]).toMatchObject({
      outcome: 'waiting',
      keptInUse: { id: a.accessKeyId, lastUsedService: 's3', lastUsedRegion: 'eu-west-1' },
    });
    expect(kept.summary).toContain('> [!WARNING]');
    expect(kept.summary).toMatch(
      new RegExp(`${a.accessKeyId}\` of \`queued\` \\(last used \\S+ by s3 in eu-west-1\\)`),
    );
    expect((await world.keysOf('queued')).map((k) => k.status)).toEqual(['Active', 'Active']);
    await world.moto.setLastUsed(a.accessKeyId, 26 * 60);
    const retired = await rotate('queued', ['queued']);
    expect(retired.report[0]).toMatchObject({
      outcome: 'retired',
      deactivatedKeyIds: [a.accessKeyId],
    });
  });
});

describe('a report that says only what it knows', () => {
  it('6. a target that cannot be reached is not said to hold any key', async () => {
    paste('unreachable', 0, ['unreachable', 'unreachable-2'], 24 * 100);
    const run = await rotate('unreachable', ['unreachable', 'unreachable-2'], {
      faults: () => {
        world.github.injectFault({
          method: 'GET',
          path: /\/unreachable-2\/actions\/secrets\/public-key$/,
          times: 5,
          response: { status: 404, body: { message: 'Not Found' } },
        });
      },
    });
    expect(run.code).toBe(1);
    const targets = (run.report[0] as { targets: { state: string; keyId: string | null }[] })
      .targets;
    expect(targets.map((t) => [t.state, t.keyId])).toEqual([
      ['ready', null],
      ['failed', null],
    ]);
    expect(run.summary).toContain('holds a key this run cannot tell');
  });
});
