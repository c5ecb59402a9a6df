/**
 * Fault injection: GitHub and IAM/STS failures at every step, and the action killed between
 * steps. After every case the invariants hold, nothing leaks, and a re-run converges (or says
 * precisely why it cannot).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { awsErrorXml } from '../emulators/aws-proxy.mjs';
import {
  TOKEN,
  authenticatesAs,
  expectNoLeaks,
  invariantProblems,
  startWorld,
  type SecretPairRef,
  type World,
} from './support/world.js';

const CASES = [
  'gh-5xx',
  'gh-secondary',
  'gh-drop',
  'gh-422',
  'gh-404',
  'iam-throttle',
  'iam-503',
  'iam-limit',
  'iam-vanished',
  'sts-never',
  'kill-after-create',
  'kill-before-naming',
  'kill-after-secret',
  'kill-before-retire',
  'kill-during-retire',
] as const;
type Case = (typeof CASES)[number];

let world: World;
const runs: Awaited<ReturnType<World['run']>>[] = [];
let current: { user: Case; refs: SecretPairRef[] } | undefined;

beforeAll(async () => {
  world = await startWorld({
    users: CASES.map((name) => ({ name, keys: [{ status: 'Active' as const, ageDays: 120 }] })),
    repositories: CASES.flatMap((name, i) => [
      { owner: 'octo', repo: name, id: 1000 + i },
      { owner: 'octo', repo: `${name}-2`, id: 2000 + i },
    ]),
  });
});
afterAll(async () => world?.stop());

afterEach(async () => {
  if (!current) return;
  expect(await invariantProblems(world, current.user, current.refs)).toEqual([]);
  for (const run of runs) expect(expectNoLeaks(world, run)).toEqual([]);
  expect(world.github.violations).toEqual([]);
  runs.length = 0;
  current = undefined;
});

const refsOf = (user: Case): SecretPairRef[] => [
  { owner: 'octo', repo: user },
  { owner: 'octo', repo: `${user}-2` },
];
const configOf = (user: Case) =>
  `users:\n  - name: ${user}\n    targets:\n      - repository: octo/${user}\n      - repository: octo/${user}-2\n`;

async function rotate(
  user: Case,
  options: {
    inputs?: Record<string, string>;
    killWhen?: (out: string) => boolean;
    /** Injects faults once the counters of the previous run were reset. */
    faults?: () => void;
  } = {},
) {
  current = { user, refs: refsOf(user) };
  // overlap-hours 0 unless a case says otherwise: each fault case ends in one active key.
  const run = await world.run(
    { 'github-token': TOKEN, config: 'rotation.yml', 'overlap-hours': '0', ...options.inputs },
    { inputs: {}, files: { 'rotation.yml': configOf(user) }, killWhen: options.killWhen },
    options.faults,
  );
  runs.push(run);
  return run;
}

async function expectRotatedEverywhere(user: Case) {
  const keys = await world.keysOf(user);
  expect(keys.filter((k) => k.status === 'Active')).toHaveLength(1);
  const active = keys.find((k) => k.status === 'Active')!;
  for (const ref of refsOf(user)) {
    const id = world.github.getSecret({ ...ref, name: 'AWS_ACCESS_KEY_ID' })?.value as string;
    const secret = world.github.getSecret({ ...ref, name: 'AWS_SECRET_ACCESS_KEY' })
      ?.value as string;
    expect(id).toBe(active.id);
    expect(await authenticatesAs(world, { id, secret })).toMatch(new RegExp(`user/${user}$`));
  }
}

const ghError = (status: number, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: { message, documentation_url: 'https://docs.github.com/rest' },
});

describe('GitHub faults', () => {
  it('retries 5xx and rotates', async () => {
    const run = await rotate('gh-5xx', {
      faults: () => {
        world.github.injectFault({
          method: 'PUT',
          path: /\/gh-5xx\/actions\/secrets\/AWS_SECRET_ACCESS_KEY$/,
          times: 2,
          response: ghError(502, 'Bad gateway'),
        });
      },
    });
    expect(run.code).toBe(0);
    await expectRotatedEverywhere('gh-5xx');
  });

  it('waits out a secondary rate limit (403 with retry-after) and rotates', async () => {
    const run = await rotate('gh-secondary', {
      faults: () => {
        world.github.injectFault({
          method: 'PUT',
          path: /\/gh-secondary-2\/actions\/secrets\/AWS_ACCESS_KEY_ID$/,
          response: ghError(403, 'You have exceeded a secondary rate limit', {
            'retry-after': '1',
          }),
        });
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/secondary rate limit/);
    await expectRotatedEverywhere('gh-secondary');
  });

  it('retries a dropped connection and rotates', async () => {
    const run = await rotate('gh-drop', {
      faults: () => {
        world.github.injectFault({
          method: 'PUT',
          path: /\/gh-drop\/actions\/secrets\/AWS_ACCESS_KEY_ID$/,
          response: 'drop',
        });
      },
    });
    expect(run.code).toBe(0);
    await expectRotatedEverywhere('gh-drop');
  });

  it('on a permanent 422 for one target keeps both keys active and reports who holds what', async () => {
    const [old] = await world.keysOf('gh-422');
    const run = await rotate('gh-422', {
      faults: () => {
        world.github.injectFault({
          method: 'PUT',
          path: /\/gh-422-2\/actions\/secrets\/AWS_SECRET_ACCESS_KEY$/,
          times: 5,
          response: ghError(422, 'Unprocessable'),
        });
      },
    });
    expect(run.code).toBe(1);
    const entry = run.report[0] as {
      newKeyId: string;
      targets: { target: string; state: string; keyId: string; error?: string }[];
    };
    // The refused target holds what it held before; the report does not guess which key.
    expect(entry.targets.map((t) => [t.state, t.keyId])).toEqual([
      ['written', entry.newKeyId],
      ['failed', null],
    ]);
    expect(entry.targets[1]!.error).toMatch(
      /octo\/gh-422-2 \(Actions\): GitHub failed while writing AWS_SECRET_ACCESS_KEY \(422\)/,
    );
    expect((await world.keysOf('gh-422')).map((k) => k.status)).toEqual(['Active', 'Active']);
    expect(await world.recordOf('gh-422')).toMatchObject({ 'key-rotation:state': 'partial' });
    // A re-run cannot finish without the lost secret: the record says exactly which target
    // holds which key, and nothing changes.
    const again = await rotate('gh-422');
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(
      new RegExp(`left ${entry.newKeyId} in octo/gh-422 .* and ${old!.id} in octo/gh-422-2`),
    );
    expect((await world.keysOf('gh-422')).map((k) => k.status)).toEqual(['Active', 'Active']);
  });

  it('on a 404 public key changes nothing and names the target', async () => {
    const before = await world.keysOf('gh-404');
    const run = await rotate('gh-404', {
      faults: () => {
        world.github.injectFault({
          method: 'GET',
          path: /\/gh-404-2\/actions\/secrets\/public-key$/,
          times: 5,
          response: ghError(404, 'Not Found'),
        });
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /octo\/gh-404-2 \(Actions\): not found \(404 while reading the public key\)/,
    );
    expect(await world.keysOf('gh-404')).toEqual(before);
    const again = await rotate('gh-404');
    expect(again.code).toBe(0);
    await expectRotatedEverywhere('gh-404');
  });
});

describe('IAM and STS faults', () => {
  it('retries Throttling on CreateAccessKey', async () => {
    const run = await rotate('iam-throttle', {
      faults: () => {
        world.proxy.injectFault({
          action: 'CreateAccessKey',
          times: 2,
          response: { status: 400, body: awsErrorXml('Throttling', 'Rate exceeded') },
        });
      },
    });
    expect(run.code).toBe(0);
    expect(
      world.proxy.calls.filter((c: { action: string }) => c.action === 'CreateAccessKey'),
    ).toHaveLength(3);
    await expectRotatedEverywhere('iam-throttle');
  });

  it('retries a 503 on ListAccessKeys', async () => {
    const run = await rotate('iam-503', {
      faults: () => {
        world.proxy.injectFault({
          action: 'ListAccessKeys',
          times: 2,
          response: {
            status: 503,
            body: awsErrorXml('ServiceUnavailable', 'try later', 'Receiver'),
          },
        });
      },
    });
    expect(run.code).toBe(0);
    await expectRotatedEverywhere('iam-503');
  });

  it('fails safely when a concurrent run takes the free key slot (LimitExceeded)', async () => {
    const before = await world.keysOf('iam-limit');
    let racing: Promise<unknown> | undefined;
    const run = await rotate('iam-limit', {
      faults: () => {
        // Hold our CreateAccessKey back while "another run" creates a key directly in moto.
        world.proxy.injectFault({ action: 'CreateAccessKey', response: { delayMs: 1500 } });
        racing = new Promise((resolve) => setTimeout(resolve, 300)).then(() =>
          world.iam.send(new CreateAccessKeyCommand({ UserName: 'iam-limit' })),
        );
      },
    });
    await racing;
    expect(run.code).toBe(1);
    // Depending on timing the other run's key shows in our listing (a key in progress) or only
    // when we create ours (LimitExceeded): both must fail safely.
    expect(run.stdout).toMatch(
      /iam-limit: .*(Cannot exceed quota for AccessKeysPerUser|two active keys)/,
    );
    const after = await world.keysOf('iam-limit');
    expect(after).toHaveLength(2);
    expect(after).toContainEqual(before[0]);
    // The record this run started is gone again; the other run's key is not ours to name.
    expect(await world.recordOf('iam-limit')).toEqual({});
  });

  it('reports a key that vanished before retirement, with every target already rotated', async () => {
    const run = await rotate('iam-vanished', {
      faults: () => {
        world.proxy.injectFault({
          action: 'UpdateAccessKey',
          response: {
            status: 404,
            body: awsErrorXml('NoSuchEntity', 'The Access Key with id X cannot be found'),
          },
        });
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/iam-vanished: .*cannot be found/);
    // Both targets hold the new key, and the record says so: the next run retires the old one.
    expect(await world.recordOf('iam-vanished')).toMatchObject({
      'key-rotation:state': 'switched',
    });
    const again = await rotate('iam-vanished');
    expect(again.code).toBe(0);
    expect(again.report[0]).toMatchObject({ outcome: 'retired' });
    await expectRotatedEverywhere('iam-vanished');
  });

  it('deletes a new key that never authenticates and keeps the old one', async () => {
    const before = await world.keysOf('sts-never');
    // skip: the run's own identity check goes through; every verification attempt fails.
    const run = await rotate('sts-never', {
      faults: () => {
        world.proxy.injectFault({
          action: 'GetCallerIdentity',
          skip: 1,
          times: 100,
          response: {
            status: 403,
            body: awsErrorXml(
              'InvalidClientTokenId',
              'The security token included in the request is invalid',
            ),
          },
        });
      },
      inputs: { 'verify-timeout-seconds': '3' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /did not authenticate within 3s.*was deleted and the old key is untouched/,
    );
    expect(await world.keysOf('sts-never')).toEqual(before);
    expect(
      world.github
        .listSecrets()
        .filter((s: { ref: { repo?: string } }) => s.ref.repo?.startsWith('sts-never')),
    ).toEqual([]);
  });
});

describe('the action killed between steps, then run again', () => {
  /** A crashed run's record is left alone for an hour: it might still be at work. */
  async function afterTheGrace(user: Case) {
    const tooSoon = await rotate(user);
    expect(tooSoon.code).toBe(1);
    expect(tooSoon.stdout).toMatch(/may still be at work, so nothing was changed/);
    await world.passTime(2, [user]);
  }

  it('after creating and naming the key: no target holds it, so it is undone and rotated anew', async () => {
    const killed = await rotate('kill-after-create', {
      faults: () => {
        world.proxy.injectFault({
          action: 'GetCallerIdentity',
          skip: 1,
          response: { delayMs: 10_000 },
        });
      },
      // The record names the key once its second write is answered.
      killWhen: () => world.answered('TagUser', 'kill-after-create') >= 2,
    });
    expect(killed.signal).toBe('SIGKILL');
    const active = (await world.keysOf('kill-after-create')).filter((k) => k.status === 'Active');
    expect(active).toHaveLength(2);
    await afterTheGrace('kill-after-create');
    expect((await world.keysOf('kill-after-create')).map((k) => k.id)).toEqual(
      active.map((k) => k.id),
    );
    const again = await rotate('kill-after-create');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/undoing an interrupted rotation/);
    expect((await world.keysOf('kill-after-create')).map((k) => k.id)).not.toContain(active[1]!.id);
    await expectRotatedEverywhere('kill-after-create');
  });

  it('after creating the key but before naming it: the unnamed key is left for a person', async () => {
    const killed = await rotate('kill-before-naming', {
      faults: () => {
        // The record's second write (naming the key) hangs; the runner dies meanwhile.
        world.proxy.injectFault({ action: 'TagUser', skip: 1, response: { delayMs: 10_000 } });
      },
      killWhen: () => world.answered('CreateAccessKey', 'kill-before-naming') >= 1,
    });
    expect(killed.signal).toBe('SIGKILL');
    const keys = await world.keysOf('kill-before-naming');
    expect(await world.recordOf('kill-before-naming')).toMatchObject({
      'key-rotation:state': 'creating',
    });
    await afterTheGrace('kill-before-naming');
    const again = await rotate('kill-before-naming');
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/is not named by its record, so it is left alone/);
    expect(await world.keysOf('kill-before-naming')).toEqual(keys);
  });

  it('after the first secret write: the pair is completed from IAM and the rotation finished', async () => {
    const killed = await rotate('kill-after-secret', {
      faults: () => {
        world.github.injectFault({
          method: 'PUT',
          path: /AWS_ACCESS_KEY_ID$/,
          response: { delayMs: 10_000 },
        });
      },
      killWhen: () => world.secretWritten('kill-after-secret-2', 'AWS_SECRET_ACCESS_KEY'),
    });
    expect(killed.signal).toBe('SIGKILL');
    await afterTheGrace('kill-after-secret');
    const again = await rotate('kill-after-secret');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/completed the pair/);
    expect(again.stdout).toMatch(/finishing an interrupted rotation/);
    await expectRotatedEverywhere('kill-after-secret');
  });

  it('before retiring the old key: the record says every target holds the new one, so the next run retires it', async () => {
    const killed = await rotate('kill-before-retire', {
      faults: () => {
        world.proxy.injectFault({ action: 'UpdateAccessKey', response: { delayMs: 10_000 } });
      },
      // creating, writing, switched: every target holds the new key.
      killWhen: () => world.answered('TagUser', 'kill-before-retire') >= 3,
    });
    expect(killed.signal).toBe('SIGKILL');
    const again = await rotate('kill-before-retire');
    expect(again.code).toBe(0);
    expect(again.report[0]).toMatchObject({ outcome: 'retired' });
    await expectRotatedEverywhere('kill-before-retire');
  });

  it('during the later retirement, after the overlap window: the next run finishes it', async () => {
    const first = await rotate('kill-during-retire', { inputs: { 'overlap-hours': '24' } });
    expect(first.report[0]).toMatchObject({ outcome: 'rotated' });
    const [old] = await world.keysOf('kill-during-retire');
    await world.passTime(30, ['kill-during-retire']);
    await world.moto.setLastUsed(old!.id, 28 * 60);
    const killed = await rotate('kill-during-retire', {
      inputs: { 'overlap-hours': '24' },
      faults: () => {
        world.proxy.injectFault({ action: 'TagUser', response: { delayMs: 10_000 } });
      },
      killWhen: () => world.answered('UpdateAccessKey', 'kill-during-retire') >= 1,
    });
    expect(killed.signal).toBe('SIGKILL');
    // The old key is inactive but the record still says "switched": the next run sees the
    // rotation is done and records it.
    const again = await rotate('kill-during-retire', { inputs: { 'overlap-hours': '24' } });
    expect(again.code).toBe(0);
    expect(await world.recordOf('kill-during-retire')).toMatchObject({
      'key-rotation:state': 'done',
    });
    await expectRotatedEverywhere('kill-during-retire');
  });
});
