/**
 * The promises of the README and SECURITY.md, each one proven end to end: the token is masked
 * before anything can print it; published text is redacted even when GitHub echoes a secret back;
 * a dry run changes nothing in any state a rotation can be in; a target written by something else
 * is never overwritten; a key no target could get is rolled back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  TOKEN,
  expectNoLeaks,
  invariantProblems,
  startWorld,
  type World,
} from './support/world.js';

const USERS = [
  'masked',
  'echoed',
  'rolled-back',
  'foreign',
  'dry-no-record',
  'dry-creating',
  'dry-half-written',
  'dry-partial',
  'dry-switched',
  'dry-done-due',
] as const;
type User = (typeof USERS)[number];

let world: World;
const runs: Awaited<ReturnType<World['run']>>[] = [];

beforeAll(async () => {
  world = await startWorld({
    users: USERS.map((name) => ({
      name,
      keys:
        name === 'dry-no-record'
          ? [
              { status: 'Active' as const, ageDays: 200 },
              { status: 'Active' as const, ageDays: 150 },
            ]
          : [{ status: 'Active' as const, ageDays: 120 }],
    })),
    repositories: USERS.flatMap((name, i) => [
      { owner: 'octo', repo: name, id: 100 + i },
      { owner: 'octo', repo: `${name}-2`, id: 200 + i },
    ]),
  });
});
afterAll(async () => world?.stop());
afterEach(() => {
  for (const run of runs) expect(expectNoLeaks(world, run)).toEqual([]);
  expect(world.github.violations).toEqual([]);
  runs.length = 0;
});

async function rotate(
  user: User,
  options: {
    inputs?: Record<string, string>;
    faults?: () => void;
    killWhen?: () => boolean;
  } = {},
) {
  const config = `users:\n  - name: ${user}\n    targets:\n      - repository: octo/${user}\n      - repository: octo/${user}-2\n`;
  const run = await world.run(
    { 'github-token': TOKEN, config: 'rotation.yml', 'overlap-hours': '0', ...options.inputs },
    {
      inputs: {},
      files: { 'rotation.yml': config },
      ...(options.killWhen ? { killWhen: options.killWhen } : {}),
    },
    options.faults,
  );
  runs.push(run);
  return run;
}

/** Every AWS call a run made that is not a read. */
const awsChanges = () =>
  world.proxy.calls
    .map((c: { action: string }) => c.action)
    .filter((action) => !/^(Get|List|Generate)/.test(action));
/** Every GitHub request a run made that is not a read. */
const gitHubWrites = () =>
  world.github.requests.filter((r: { method: string }) => r.method !== 'GET');

describe('secrets never reach what is published', () => {
  it('masks the GitHub token before anything else is printed', async () => {
    const run = await rotate('masked');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${TOKEN}`);
  });

  it('redacts a new secret and the token that GitHub echoes back in an error', async () => {
    const run = await rotate('echoed', {
      faults: () => {
        // A misbehaving API: it refuses the key id and quotes the secret key it stored, and
        // the token it was sent, in its error message.
        world.github.injectFault({
          method: 'PUT',
          path: /\/echoed-2\/actions\/secrets\/AWS_ACCESS_KEY_ID$/,
          times: 5,
          response: () => {
            const stored = world.github.getSecret({
              owner: 'octo',
              repo: 'echoed-2',
              name: 'AWS_SECRET_ACCESS_KEY',
            });
            return {
              status: 422,
              body: { message: `refused: ${stored?.value} with token ${TOKEN}` },
            };
          },
        });
      },
    });
    expect(run.code).toBe(1);
    const secret = world.github.getSecret({
      owner: 'octo',
      repo: 'echoed-2',
      name: 'AWS_SECRET_ACCESS_KEY',
    })!.value as string;
    // The message made it into what is published (the target's error), redacted.
    expect(run.reportFile).toMatch(/refused: \*\*\* with token \*\*\*/);
    expect(run.summary).toMatch(/refused: \*\*\* with token \*\*\*/);
    for (const text of [
      run.stdout,
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs),
      run.reportFile,
    ]) {
      expect(
        text
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
      ).not.toContain(secret);
      expect(
        text
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
      ).not.toContain(TOKEN);
    }
  });
});

describe('a key no target could get', () => {
  it('is deleted again, and the user is as it was', async () => {
    const before = await world.keysOf('rolled-back');
    const run = await rotate('rolled-back', {
      faults: () => {
        world.github.injectFault({
          method: 'PUT',
          path: /\/rolled-back(-2)?\/actions\/secrets\//,
          times: 10,
          response: { status: 422, body: { message: 'Unprocessable' } },
        });
      },
    });
    expect(run.code).toBe(1);
    expect(run.report[0]!['message']).toMatch(
      /no target could be written; the new key \S+ was deleted and the old key is untouched/,
    );
    expect(await world.keysOf('rolled-back')).toEqual(before);
    expect(await world.recordOf('rolled-back')).toEqual({});
    expect(
      world.github
        .listSecrets()
        .filter((s: { ref: { repo?: string } }) => s.ref.repo?.startsWith('rolled-back')),
    ).toEqual([]);
  });
});

describe('a target written by something else', () => {
  it('is never overwritten: a half-written pair is not completed once another writer touched it', async () => {
    const killed = await rotate('foreign', {
      faults: () => {
        world.github.injectFault({
          method: 'PUT',
          path: /AWS_ACCESS_KEY_ID$/,
          response: { delayMs: 10_000 },
        });
      },
      killWhen: () => world.secretWritten('foreign-2', 'AWS_SECRET_ACCESS_KEY'),
    });
    expect(killed.signal).toBe('SIGKILL');
    // An hour later a person pastes a pair of their own into the second target.
    await world.passTime(2, ['foreign']);
    const [old] = await world.keysOf('foreign');
    const seeded = world.moto.state.users['foreign']![0]!;
    for (const [name, value] of [
      ['AWS_SECRET_ACCESS_KEY', seeded.secretAccessKey],
      ['AWS_ACCESS_KEY_ID', old!.id],
    ] as const) {
      world.github.seedSecret({ owner: 'octo', repo: 'foreign-2', name }, { value });
    }
    const run = await rotate('foreign');
    expect(run.code).toBe(1);
    expect(run.report[0]!['message']).toMatch(/something else writes these secrets/);
    expect(gitHubWrites()).toEqual([]);
    expect(world.pairOf({ owner: 'octo', repo: 'foreign-2' })).toEqual({
      id: old!.id,
      secret: seeded.secretAccessKey,
    });
    expect(
      await invariantProblems(world, 'foreign', [{ owner: 'octo', repo: 'foreign-2' }]),
    ).toEqual([]);
  });
});

describe('a dry run changes nothing, whatever state the rotation is in', () => {
  /** Dry-runs the user and checks that only reads happened, anywhere. */
  async function dryRun(user: User) {
    const keys = await world.keysOf(user);
    const record = await world.recordOf(user);
    const secrets = JSON.stringify(world.github.listSecrets());
    const run = await rotate(user, { inputs: { 'dry-run': 'true' } });
    expect(awsChanges()).toEqual([]);
    expect(gitHubWrites()).toEqual([]);
    expect(await world.keysOf(user)).toEqual(keys);
    expect(await world.recordOf(user)).toEqual(record);
    expect(JSON.stringify(world.github.listSecrets())).toBe(secrets);
    return run;
  }

  it('two active keys and no record', async () => {
    expect((await dryRun('dry-no-record')).report[0]).toMatchObject({ outcome: 'failed' });
  });

  it('a run that died while creating a key', async () => {
    await rotate('dry-creating', {
      faults: () =>
        world.proxy.injectFault({ action: 'TagUser', skip: 1, response: { delayMs: 10_000 } }),
      killWhen: () => world.answered('CreateAccessKey', 'dry-creating') >= 1,
    });
    await world.passTime(2, ['dry-creating']);
    expect((await dryRun('dry-creating')).report[0]!['message']).toMatch(/not named by its record/);
  });

  it('a run that died between the two writes of a target (it would complete the pair)', async () => {
    await rotate('dry-half-written', {
      faults: () =>
        world.github.injectFault({
          method: 'PUT',
          path: /AWS_ACCESS_KEY_ID$/,
          response: { delayMs: 10_000 },
        }),
      killWhen: () => world.secretWritten('dry-half-written-2', 'AWS_SECRET_ACCESS_KEY'),
    });
    await world.passTime(2, ['dry-half-written']);
    const run = await dryRun('dry-half-written');
    expect(run.report[0]).toMatchObject({ outcome: 'would-rotate' });
    expect(run.report[0]!['message']).toMatch(
      /would write \S+ to complete 2 half-written target\(s\)/,
    );
    // Not "written": the pairs are still half-written.
    expect((run.report[0]!['targets'] as { state: string }[]).map((t) => t.state)).not.toContain(
      'written',
    );
  });

  it('a rotation that could not write every target', async () => {
    await rotate('dry-partial', {
      faults: () =>
        world.github.injectFault({
          method: 'PUT',
          path: /\/dry-partial-2\/actions\/secrets\/AWS_SECRET_ACCESS_KEY$/,
          times: 5,
          response: { status: 422, body: { message: 'Unprocessable' } },
        }),
    });
    expect((await dryRun('dry-partial')).report[0]).toMatchObject({ outcome: 'failed' });
  });

  it('a switched rotation whose old key is due for retirement', async () => {
    await rotate('dry-switched', { inputs: { 'overlap-hours': '24' } });
    await world.passTime(30, ['dry-switched']);
    const [old] = await world.keysOf('dry-switched');
    await world.moto.setLastUsed(old!.id, 30 * 60);
    const run = await dryRun('dry-switched');
    expect(run.report[0]).toMatchObject({ outcome: 'would-retire' });
  });

  it('a finished rotation whose key is due again', async () => {
    await rotate('dry-done-due');
    await world.passTime(24 * 100, ['dry-done-due']);
    const run = await dryRun('dry-done-due');
    expect(run.report[0]).toMatchObject({ outcome: 'would-rotate' });
  });
});
