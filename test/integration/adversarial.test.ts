/**
 * Adversarial cases against the real emulators: keys people made, re-enabled or pasted by hand,
 * the action killed at every step of a rotation, two runs at once on the same users, and edges
 * of time and naming. After every case the invariants of docs/design.md hold: at most two keys,
 * every target holds an active pair that signs in, no key a target holds is deleted, the record
 * names the key the targets hold, and nothing secret is printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { runAction } from '../emulators/action-runner.mjs';
import { awsErrorXml } from '../emulators/aws-proxy.mjs';
import { gate, waitFor } from './support/gate.js';
import {
  TOKEN,
  expectNoLeaks,
  invariantProblems,
  startWorld,
  type SecretPairRef,
  type World,
} from './support/world.js';

type SeedKey = { status: 'Active' | 'Inactive'; ageDays: number; lastUsedDaysAgo?: number };
const active = (ageDays: number, lastUsedDaysAgo?: number): SeedKey => ({
  status: 'Active',
  ageDays,
  ...(lastUsedDaysAgo === undefined ? {} : { lastUsedDaysAgo }),
});
const inactive = (ageDays: number): SeedKey => ({ status: 'Inactive', ageDays });

/** Allows everything: the user the action runs as in the self-rotation case. */
const ADMIN = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

const USERS: Record<string, SeedKey[]> = {
  'hand-two-old': [active(200, 1), active(150)],
  'hand-old-new': [active(200, 2), active(0.01)],
  'hand-inactive-only': [inactive(120)],
  're-enabled': [active(120)],
  'pasted-switched': [active(120)],
  'partial-deactivated': [active(120)],
  'vanished-done': [active(120)],
  'vanished-crash': [active(120)],
  'manual-done': [active(120)],
  'crash-creating': [active(120), inactive(3)],
  'crash-room': [active(120), inactive(3)],
  'crash-one-target': [active(120)],
  'crash-all-written': [active(120)],
  'crash-completing': [active(120)],
  'self-crash': [active(120)],
  'race-a': [active(120)],
  'race-b': [active(120)],
  'race-c': [active(120), inactive(3)],
  'stale-one': [active(120)],
  'stale-room': [active(120), inactive(3)],
  'tie-one': [active(120)],
  'tie-room': [active(120), inactive(3)],
  'age-exact': [active(90)],
  'age-under': [active(89.99)],
  'limit-once': [active(120)],
  'ci+deploy=1,a.b@c_d-e': [active(120)],
};

let world: World;
const runs: { stdout: string; stderr: string; summary: string; outputs: Record<string, string> }[] =
  [];
/** Users whose invariants are checked after the case. */
let checked: string[] = [];
/** Of those, users left with an unfinished record on purpose (its state is asserted instead). */
let unfinished: string[] = [];

const reposOf = (user: string) => [`${slug(user)}`, `${slug(user)}-2`];
/** A repository name for a user name (IAM allows characters repositories do not). */
function slug(user: string): string {
  return user.replace(/[^A-Za-z0-9._-]/g, '_');
}
const refsOf = (user: string): SecretPairRef[] =>
  reposOf(user).map((repo) => ({ owner: 'octo', repo }));
const configOf = (users: readonly string[]) =>
  'users:\n' +
  users
    .map(
      (user) =>
        `  - name: '${user}'\n    targets:\n` +
        reposOf(user)
          .map((repo) => `      - repository: octo/${repo}\n`)
          .join(''),
    )
    .join('');

beforeAll(async () => {
  world = await startWorld({
    users: Object.entries(USERS).map(([name, keys]) => ({
      name,
      keys,
      ...(name === 'self-crash' ? { inlinePolicies: { admin: ADMIN } } : {}),
    })),
    repositories: Object.keys(USERS).flatMap((user, i) =>
      reposOf(user).map((repo, j) => ({ owner: 'octo', repo, id: 5000 + 10 * i + j })),
    ),
  });
  // Every user starts with its first seeded key in both targets, pasted long ago.
  for (const user of Object.keys(USERS)) paste(user, 0, reposOf(user), 24 * 100);
});
afterAll(async () => world?.stop());

afterEach(async () => {
  const done = { runs: runs.splice(0), checked, unfinished };
  checked = [];
  unfinished = [];
  for (const run of done.runs) expect(expectNoLeaks(world, run as never)).toEqual([]);
  expect(world.github.violations).toEqual([]);
  for (const user of done.checked) {
    expect(await invariantProblems(world, user, refsOf(user))).toEqual([]);
    if (!done.unfinished.includes(user)) expect(await recordProblems(user)).toEqual([]);
  }
});

/** A seeded key's pair written into the targets, as a person pastes it. */
function paste(user: string, index: number, repos: string[], hoursAgo = 0) {
  const key = world.moto.state.users[user]![index]!;
  pastePair(repos, { id: key.accessKeyId, secret: key.secretAccessKey }, hoursAgo);
  return key;
}

function pastePair(repos: string[], pair: { id: string; secret: string }, hoursAgo = 0) {
  const updatedAt = new Date(Date.now() - hoursAgo * 3_600_000);
  for (const repo of repos) {
    const ref = { owner: 'octo', repo };
    world.github.seedSecret({ ...ref, name: 'AWS_ACCESS_KEY_ID' }, { value: pair.id, updatedAt });
    world.github.seedSecret(
      { ...ref, name: 'AWS_SECRET_ACCESS_KEY' },
      { value: pair.secret, updatedAt },
    );
  }
}

/**
 * `hours` pass for these users only: their keys, their records and their targets' secrets move
 * back (the stand-in's own backdate would move every user's secrets).
 */
async function passTime(hours: number, users: readonly string[]) {
  for (const user of users) {
    for (const key of await world.keysOf(user)) await world.moto.backdateKey(key.id, hours * 60);
    await world.ageRecord(user, hours);
    for (const ref of refsOf(user)) {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        const secret = world.github.getSecret({ ...ref, name });
        if (!secret) continue;
        const back = (iso: string) => new Date(new Date(iso).getTime() - hours * 3_600_000);
        world.github.seedSecret(
          { ...ref, name },
          {
            value: secret.value,
            updatedAt: back(secret.updatedAt),
            createdAt: back(secret.createdAt),
          },
        );
      }
    }
  }
}

/**
 * The record agrees with the keys and the targets: a finished record (`done`, `switched`) names
 * an active new key that every target holds; an unfinished one is reported by the caller.
 */
async function recordProblems(user: string): Promise<string[]> {
  const record = await world.recordOf(user);
  const state = record['key-rotation:state'];
  if (state === undefined) return [];
  if (state !== 'done' && state !== 'switched') return [`${user}: record left ${state}`];
  const keys = await world.keysOf(user);
  const newKey = record['key-rotation:new-key'];
  const problems: string[] = [];
  if (keys.find((k) => k.id === newKey)?.status !== 'Active') {
    problems.push(`${user}: record names ${newKey}, which is not active`);
  }
  for (const ref of refsOf(user)) {
    const held = world.pairOf(ref)?.id;
    if (held !== newKey) problems.push(`${user}: ${ref.repo} holds ${held}, record ${newKey}`);
  }
  return problems;
}

type Options = {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  faults?: () => void;
  killWhen?: (out: string) => boolean;
};

/** One run of the action over `users` (config-file mode), checked afterwards. */
async function rotate(users: string | string[], options: Options = {}) {
  const list = typeof users === 'string' ? [users] : users;
  checked = [...new Set([...checked, ...list])];
  const run = await world.run(
    { 'github-token': TOKEN, config: 'rotation.yml', ...options.inputs },
    {
      inputs: {},
      files: { 'rotation.yml': configOf(list) },
      ...(options.env ? { env: options.env } : {}),
      ...(options.killWhen ? { killWhen: options.killWhen } : {}),
    },
    options.faults,
  );
  runs.push(run);
  return run;
}

/** A run started alongside others: no counters are reset; it names its own workflow run. */
async function startConcurrent(
  users: string[],
  runId: string,
  inputs: Record<string, string> = {},
) {
  const result = await runAction({
    inputs: { 'github-token': TOKEN, config: 'rotation.yml', ...inputs },
    env: { ...world.actionEnv(), GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: '1' },
    files: { 'rotation.yml': configOf(users) },
  });
  const file = result.outputs['report-file'];
  const report = JSON.parse(file && existsSync(file) ? readFileSync(file, 'utf8') : '[]') as Record<
    string,
    unknown
  >[];
  result.cleanup();
  runs.push(result);
  return { ...result, report };
}

const outcomeOf = (run: { report: Record<string, unknown>[] }, user: string) =>
  run.report.find((r) => r['user'] === user) as
    | { outcome: string; message: string; deletedKeyIds: string[]; deactivatedKeyIds: string[] }
    | undefined;

const activeIds = async (user: string) =>
  (await world.keysOf(user)).filter((k) => k.status === 'Active').map((k) => k.id);

// ------------------------------------------------------------------------------------------------

/**
 * A slow run is held at its first target's check while a fast run rotates the user; then the slow
 * run goes on with the plan it made before. Returns the slow run.
 */
async function slowBehindFast(user: string, ports: [string, string]) {
  world.proxy.reset();
  world.github.reset();
  const held = gate();
  world.github.injectFault({
    method: 'GET',
    path: `/repos/octo/${reposOf(user)[0]}/actions/secrets/public-key`,
    response: { until: held.until },
  });
  const slow = startConcurrent([user], ports[0]);
  await waitFor(() => world.github.requests.some((r: { fault?: boolean }) => r.fault));
  const fast = await startConcurrent([user], ports[1]);
  held.open();
  expect(outcomeOf(fast, user)!.outcome).toBe('rotated');
  const slowRun = await slow;
  checked = [user];
  expect(await world.recordOf(user)).toMatchObject({ 'key-rotation:state': 'switched' });
  return slowRun;
}

/** The fast run's rotation is finished by a later run as usual: its old key is retired. */
async function expectRetiredLater(user: string, oldKeyId: string) {
  await passTime(30, [user]);
  await world.moto.setLastUsed(oldKeyId, 28 * 60);
  const later = await rotate(user);
  expect(outcomeOf(later, user)).toMatchObject({
    outcome: 'retired',
    deactivatedKeyIds: [oldKeyId],
  });
}

describe('1. keys made by people', () => {
  it('two old keys, one used yesterday: fail changes nothing; least-recently-used deletes only the unused one', async () => {
    const user = 'hand-two-old';
    const [used, unused] = world.moto.state.users[user]!;
    const before = await world.keysOf(user);
    const failed = await rotate(user);
    expect(failed.code).toBe(1);
    expect(await world.keysOf(user)).toEqual(before);
    expect(outcomeOf(failed, user)!.message).toMatch(/two active keys/);
    const lru = await rotate(user, { inputs: { 'two-active-keys': 'delete-least-recently-used' } });
    expect(outcomeOf(lru, user)).toMatchObject({
      outcome: 'rotated',
      deletedKeyIds: [unused!.accessKeyId],
    });
    const ids = await activeIds(user);
    expect(ids).toHaveLength(2);
    expect(ids).toContain(used!.accessKeyId);
  });

  it('an old key and a key a person just made: nothing is changed by default, and the new hand key is never deleted', async () => {
    const user = 'hand-old-new';
    const [, fresh] = world.moto.state.users[user]!;
    const before = await world.keysOf(user);
    const failed = await rotate(user);
    expect(failed.code).toBe(1);
    expect(await world.keysOf(user)).toEqual(before);
    const lru = await rotate(user, { inputs: { 'two-active-keys': 'delete-least-recently-used' } });
    expect(lru.code).toBe(0);
    expect(await activeIds(user)).toContain(fresh!.accessKeyId);
  });

  it('a user whose only key is inactive gets a working key, and the expired inactive key goes', async () => {
    const user = 'hand-inactive-only';
    const [only] = world.moto.state.users[user]!;
    const run = await rotate(user);
    expect(outcomeOf(run, user)).toMatchObject({
      outcome: 'rotated',
      deletedKeyIds: [only!.accessKeyId],
    });
    expect(await world.keysOf(user)).toHaveLength(1);
  });
});

describe('2. a retired key re-enabled by hand and used', () => {
  it('is never deactivated or deleted while in use, and every run says so', async () => {
    const user = 're-enabled';
    const [old] = world.moto.state.users[user]!;
    const first = await rotate(user);
    expect(outcomeOf(first, user)!.outcome).toBe('rotated');
    await passTime(30, [user]);
    await world.moto.setLastUsed(old!.accessKeyId, 28 * 60);
    const retired = await rotate(user);
    expect(outcomeOf(retired, user)).toMatchObject({
      outcome: 'retired',
      deactivatedKeyIds: [old!.accessKeyId],
    });
    await world.iam.send(
      new UpdateAccessKeyCommand({
        UserName: user,
        AccessKeyId: old!.accessKeyId,
        Status: 'Active',
      }),
    );
    await world.moto.setLastUsed(old!.accessKeyId, 30);
    const fresh = await rotate(user);
    expect(fresh.code).toBe(0);
    expect(outcomeOf(fresh, user)!.message).toMatch(/active again \(re-enabled by hand\?\)/);
    // The new key falls due while the re-enabled key is still in use: nothing is deleted,
    // under either two-active-keys policy, and the message names the key and its last use.
    await passTime(24 * 100, [user]);
    await world.moto.setLastUsed(old!.accessKeyId, 30);
    for (const policy of ['fail', 'delete-least-recently-used']) {
      const due = await rotate(user, { inputs: { 'two-active-keys': policy } });
      expect(due.code).toBe(1);
      expect(outcomeOf(due, user)!.message).toMatch(
        new RegExp(`${old!.accessKeyId} \\(\\d+ d, last used `),
      );
      expect(await activeIds(user)).toContain(old!.accessKeyId);
    }
  });
});

describe('3. secrets pasted and keys changed by hand', () => {
  it('after the switch: the old key is not retired and nothing is written', async () => {
    const user = 'pasted-switched';
    const [old] = world.moto.state.users[user]!;
    const first = await rotate(user);
    expect(outcomeOf(first, user)!.outcome).toBe('rotated');
    // An hour after the switch someone pastes the old pair back into the second target.
    await passTime(1, [user]);
    paste(user, 0, [reposOf(user)[1]!]);
    await passTime(29, [user]);
    await world.moto.setLastUsed(old!.accessKeyId, 28 * 60);
    const next = await rotate(user);
    expect(next.code).toBe(1);
    expect(outcomeOf(next, user)!.message).toMatch(/changed after every target got/);
    expect(world.github.requests.filter((r: { method: string }) => r.method !== 'GET')).toEqual([]);
    expect(await activeIds(user)).toContain(old!.accessKeyId);
    // The pasted target holds the old key, the record the new one: only the invariants apply.
    unfinished = [user];
  });

  it('a key a target holds is not deleted as an expired inactive key while the rotation is unfinished', async () => {
    const user = 'partial-deactivated';
    const [old] = world.moto.state.users[user]!;
    const partial = await rotate(user, {
      faults: () =>
        world.github.injectFault({
          method: 'PUT',
          path: new RegExp(`/${reposOf(user)[1]}/actions/secrets/AWS_SECRET_ACCESS_KEY$`),
          times: 5,
          response: { status: 422, body: { message: 'Unprocessable' } },
        }),
    });
    expect(partial.code).toBe(1);
    expect(await world.recordOf(user)).toMatchObject({ 'key-rotation:state': 'partial' });
    // A person deactivates the old key by mistake; a week later it has not been used.
    await world.iam.send(
      new UpdateAccessKeyCommand({
        UserName: user,
        AccessKeyId: old!.accessKeyId,
        Status: 'Inactive',
      }),
    );
    await passTime(24 * 8, [user]);
    await world.moto.setLastUsed(old!.accessKeyId, 8 * 24 * 60);
    const next = await rotate(user);
    expect(next.code).toBe(1);
    expect(outcomeOf(next, user)!.message).toMatch(
      new RegExp(`${old!.accessKeyId} in octo/${reposOf(user)[1]} .*, which no longer works`),
    );
    // The second target still holds the old key: it must stay, so a person can turn it back on.
    expect((await world.keysOf(user)).map((k) => k.id)).toContain(old!.accessKeyId);
    // The person's deactivation broke the second target: no invariant of the action's to check.
    checked = [];
  });

  it('the key every target holds, deactivated by a person after the rotation: every target gets a new key', async () => {
    const user = 'vanished-done';
    await rotate(user, { inputs: { 'overlap-hours': '0' } });
    const [current] = await activeIds(user);
    const old = world.moto.state.users[user]![0]!.accessKeyId;
    // A person deletes the retired key, makes one for another system, and deactivates the
    // wrong key: the one every target holds.
    await world.iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: old }));
    const made = await world.iam.send(new CreateAccessKeyCommand({ UserName: user }));
    await world.iam.send(
      new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: current, Status: 'Inactive' }),
    );
    const next = await rotate(user, { inputs: { 'overlap-hours': '0' } });
    expect(outcomeOf(next, user)!.outcome).toBe('rotated');
    expect(await activeIds(user)).toContain(made.AccessKey!.AccessKeyId);
  });

  it('and the run that writes every target a new key is killed after making room: the next run still does', async () => {
    const user = 'vanished-crash';
    await rotate(user, { inputs: { 'overlap-hours': '0' } });
    const [current] = await activeIds(user);
    const old = world.moto.state.users[user]![0]!.accessKeyId;
    await world.iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: old }));
    const made = await world.iam.send(new CreateAccessKeyCommand({ UserName: user }));
    await world.iam.send(
      new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: current, Status: 'Inactive' }),
    );
    await passTime(1, [user]);
    // The key every target holds goes to make room; the run dies before the new key exists.
    const killed = await rotate(user, {
      inputs: { 'overlap-hours': '0' },
      faults: () =>
        world.proxy.injectFault({ action: 'CreateAccessKey', response: { delayMs: 10_000 } }),
      killWhen: () => world.answered('DeleteAccessKey', user) >= 1,
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(await world.recordOf(user)).toMatchObject({ 'key-rotation:old-key': current });
    await passTime(2, [user]);
    const next = await rotate(user, { inputs: { 'overlap-hours': '0' } });
    expect(outcomeOf(next, user)!.outcome).toBe('rotated');
    expect(await activeIds(user)).toContain(made.AccessKey!.AccessKeyId);
  });

  it('a rotation a person finished by hand (new key pasted everywhere, the old one deleted) is adopted', async () => {
    const user = 'manual-done';
    await rotate(user, { inputs: { 'overlap-hours': '0' } });
    const [current] = await activeIds(user);
    const old = world.moto.state.users[user]![0]!.accessKeyId;
    await world.iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: old }));
    const made = (await world.iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
    await passTime(1, [user]);
    pastePair(reposOf(user), { id: made.AccessKeyId!, secret: made.SecretAccessKey! });
    await world.iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: current }));
    const next = await rotate(user, { inputs: { 'overlap-hours': '0' } });
    expect(next.code).toBe(0);
    expect(outcomeOf(next, user)!.outcome).toBe('fresh');
    expect(world.github.requests.filter((r: { method: string }) => r.method !== 'GET')).toEqual([]);
    // The pasted pair is now what the targets hold; the record no longer says otherwise.
    expect(await world.recordOf(user)).toEqual({});
  });
});

describe('4. the action killed at each step, then run again', () => {
  /** Kills, checks the crash left every target working, lets the hour pass, recovers. */
  async function crashAndRecover(user: string, kill: Options, inputs: Record<string, string> = {}) {
    const killed = await rotate(user, { ...kill, inputs });
    expect(killed.signal).toBe('SIGKILL');
    expect(await crashProblems(user)).toEqual([]);
    await passTime(2, [user]);
    return rotate(user, { inputs });
  }

  /**
   * Right after a crash a pair may be half written (new secret key, old key id: docs say so);
   * still, no key a target names is gone or inactive, and the user has at most two keys.
   */
  async function crashProblems(user: string): Promise<string[]> {
    const keys = await world.keysOf(user);
    const problems = keys.length > 2 ? [`${user} has ${keys.length} keys`] : [];
    for (const ref of refsOf(user)) {
      const held = world.pairOf(ref)?.id;
      const status = keys.find((k) => k.id === held)?.status;
      if (status !== 'Active') problems.push(`${ref.repo} names ${held}, ${status ?? 'deleted'}`);
    }
    return problems;
  }

  it('after recording creating, before making room', async () => {
    const user = 'crash-creating';
    const again = await crashAndRecover(user, {
      faults: () =>
        world.proxy.injectFault({ action: 'DeleteAccessKey', response: { delayMs: 10_000 } }),
      killWhen: () => world.answered('TagUser', user) >= 1,
    });
    expect(again.code).toBe(0);
    expect(outcomeOf(again, user)!.outcome).toBe('rotated');
  });

  it('after making room, before creating', async () => {
    const user = 'crash-room';
    const again = await crashAndRecover(user, {
      faults: () =>
        world.proxy.injectFault({ action: 'CreateAccessKey', response: { delayMs: 10_000 } }),
      killWhen: () => world.answered('DeleteAccessKey', user) >= 1,
    });
    expect(again.code).toBe(0);
    expect(outcomeOf(again, user)!.outcome).toBe('rotated');
  });

  it('after one target got the whole pair and the other nothing: both keys stay, and it says which holds which', async () => {
    const user = 'crash-one-target';
    const [first, second] = reposOf(user);
    const again = await crashAndRecover(user, {
      faults: () =>
        world.github.injectFault({
          method: 'PUT',
          path: new RegExp(`/${second}/actions/secrets/`),
          times: 4,
          response: { delayMs: 10_000 },
        }),
      killWhen: () => world.secretWritten(first!, 'AWS_ACCESS_KEY_ID'),
    });
    expect(again.code).toBe(1);
    expect(outcomeOf(again, user)!.message).toMatch(/an interrupted rotation left \S+ in octo\//);
    expect(await activeIds(user)).toHaveLength(2);
    unfinished = [user];
  });

  it('after every target was written, before recording the switch', async () => {
    const user = 'crash-all-written';
    const again = await crashAndRecover(
      user,
      {
        // The third TagUser (switched) hangs.
        faults: () =>
          world.proxy.injectFault({ action: 'TagUser', skip: 2, response: { delayMs: 10_000 } }),
        killWhen: () =>
          reposOf(user).every((repo) => world.secretWritten(repo, 'AWS_ACCESS_KEY_ID')),
      },
      { 'overlap-hours': '0' },
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/finishing an interrupted rotation/);
    expect(await activeIds(user)).toHaveLength(1);
  });

  it('while a later run completes half-written pairs', async () => {
    const user = 'crash-completing';
    const [, second] = reposOf(user);
    const killed = await rotate(user, {
      faults: () =>
        world.github.injectFault({
          method: 'PUT',
          path: /AWS_ACCESS_KEY_ID$/,
          times: 2,
          response: { delayMs: 10_000 },
        }),
      // Both secret keys written, neither key id: both targets are half written.
      killWhen: () =>
        reposOf(user).every((repo) => world.secretWritten(repo, 'AWS_SECRET_ACCESS_KEY')),
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(await crashProblems(user)).toEqual([]);
    await passTime(2, [user]);
    const again = await crashAndRecover(user, {
      faults: () =>
        world.github.injectFault({
          method: 'PUT',
          path: new RegExp(`/${second}/actions/secrets/AWS_ACCESS_KEY_ID$`),
          response: { delayMs: 10_000 },
        }),
      killWhen: () => world.secretWritten(reposOf(user)[0]!, 'AWS_ACCESS_KEY_ID'),
    });
    expect(again.code).toBe(0);
    expect(outcomeOf(again, user)!.outcome).toBe('rotated');
  });
});

describe('4b. the action killed while it rotates the user it runs as', () => {
  it('between the two writes of the target it signs in with: the next run cannot sign in until a person completes the pair from the record', async () => {
    const user = 'self-crash';
    const [first] = reposOf(user);
    const own = (ref = refsOf(user)[0]!) => {
      const pair = world.pairOf(ref)!;
      return { AWS_ACCESS_KEY_ID: pair.id, AWS_SECRET_ACCESS_KEY: pair.secret };
    };
    const killed = await rotate(user, {
      env: own(),
      faults: () =>
        world.github.injectFault({
          method: 'PUT',
          path: /AWS_ACCESS_KEY_ID$/,
          times: 2,
          response: { delayMs: 10_000 },
        }),
      // Both secret keys written, neither key id: every target holds half the new pair.
      killWhen: () =>
        reposOf(user).every((repo) => world.secretWritten(repo, 'AWS_SECRET_ACCESS_KEY')),
    });
    expect(killed.signal).toBe('SIGKILL');
    // The target holds the old key id with the new secret key: a pair that signs nothing.
    const locked = await rotate(user, { env: own() });
    expect(locked.code).toBe(1);
    expect(locked.stdout).toMatch(/AWS credentials do not work/);
    // The record names the new key: a person writes it into the key id secret, as the
    // docs say (self-rotation.md), and the next run signs in again.
    const newKey = (await world.recordOf(user))['key-rotation:new-key']!;
    const secret = world.pairOf(refsOf(user)[0]!)!.secret;
    pastePair([first!], { id: newKey, secret });
    const next = await rotate(user, { env: own() });
    expect(next.stdout).not.toMatch(/AWS credentials do not work/);
    await passTime(2, [user]);
    const recovered = await rotate(user, { env: own() });
    expect(recovered.stdout).toMatch(/finishing an interrupted rotation/);
    expect(outcomeOf(recovered, user)!.outcome).toBe('rotated');
  });
});

describe('5. two runs at once', () => {
  it('on the same users: the invariants hold and the next runs converge', async () => {
    const users = ['race-a', 'race-b', 'race-c'];
    world.proxy.reset();
    world.github.reset();
    const [one, two] = await Promise.all([
      startConcurrent(users, '9001', { 'overlap-hours': '0' }),
      startConcurrent(users, '9002', { 'overlap-hours': '0' }),
    ]);
    checked = users;
    for (const user of users) {
      expect(await invariantProblems(world, user, refsOf(user))).toEqual([]);
      // Exactly one of the two rotated each user.
      const outcomes = [outcomeOf(one, user)!.outcome, outcomeOf(two, user)!.outcome];
      expect(outcomes.filter((o) => o === 'rotated')).toHaveLength(1);
    }
    await passTime(2, users);
    const next = await rotate(users, { inputs: { 'overlap-hours': '0' } });
    // Each user ends with one active key, or the run fails it and names every active key the
    // record does not: no key is left behind unreported.
    for (const user of users) {
      const ids = await activeIds(user);
      if (ids.length === 1) continue;
      const named = Object.values(await world.recordOf(user));
      const result = outcomeOf(next, user)!;
      expect(result.outcome).toBe('failed');
      for (const id of ids.filter((k) => !named.includes(k))) expect(result.message).toContain(id);
      unfinished = [...unfinished, user];
    }
  });

  it('a run whose plan went stale while another rotated the user does not undo that rotation', async () => {
    const user = 'stale-one';
    const [old] = world.moto.state.users[user]!;
    const slow = await slowBehindFast(user, ['9101', '9102']);
    expect(slow.code).toBe(1);
    expect(outcomeOf(slow, user)!.message).toMatch(/changed after this run read it/);
    await expectRetiredLater(user, old!.accessKeyId);
  });

  it("a stale plan that makes room does not leave its record over the other run's", async () => {
    const user = 'stale-room';
    const [old] = world.moto.state.users[user]!;
    await slowBehindFast(user, ['9201', '9202']);
    await expectRetiredLater(user, old!.accessKeyId);
  });
});

describe('5b. two runs that pass the record check at the same moment', () => {
  it('only one creates a key, and in every order of their calls no target loses its key', async () => {
    const users = ['tie-one', 'tie-room'];
    world.proxy.reset();
    world.github.reset();
    // The first record writes (creating) are held back until all four have arrived, so both
    // runs have checked the record before either lands. IAM has no conditional write: depending on the order they land in,
    // the slower run's record may replace the faster one's (docs/design.md). What must hold in
    // every order: one rotation, at most two keys, every target working, and a later run that
    // deletes nothing a target holds.
    const held = gate();
    world.proxy.injectFault({ action: 'TagUser', times: 4, response: { until: held.until } });
    const both = Promise.all([
      startConcurrent(users, '9301', { concurrency: '2' }),
      startConcurrent(users, '9302', { concurrency: '2' }),
    ]);
    const heldCalls = () => world.proxy.calls.filter((c: { fault?: boolean }) => c.fault).length;
    await waitFor(() => heldCalls() === 4);
    held.open();
    const [one, two] = await both;
    checked = users;
    unfinished = users;
    for (const user of users) {
      const outcomes = [outcomeOf(one, user)!.outcome, outcomeOf(two, user)!.outcome].sort();
      expect(outcomes).toEqual(['failed', 'rotated']);
      expect(await invariantProblems(world, user, refsOf(user))).toEqual([]);
    }
    await passTime(2, users);
    await rotate(users);
  });
});

describe('6. edges', () => {
  it('a key exactly max-age-days old is rotated; one a little younger is not', async () => {
    const run = await rotate(['age-exact', 'age-under']);
    expect(outcomeOf(run, 'age-exact')!.outcome).toBe('rotated');
    expect(outcomeOf(run, 'age-under')!.outcome).toBe('fresh');
  });

  it('LimitExceeded on CreateAccessKey (a key appeared since the listing) is not retried as throttling', async () => {
    const user = 'limit-once';
    const before = await world.keysOf(user);
    const run = await rotate(user, {
      faults: () =>
        world.proxy.injectFault({
          action: 'CreateAccessKey',
          response: {
            status: 409,
            body: awsErrorXml('LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2'),
          },
        }),
    });
    expect(run.code).toBe(1);
    expect(outcomeOf(run, user)!.message).toMatch(/Cannot exceed quota for AccessKeysPerUser/);
    // One attempt: a retry would create a key from a decision the quota error just proved stale.
    expect(world.proxy.countByAction()['CreateAccessKey']).toBe(1);
    expect(await world.keysOf(user)).toEqual(before);
    expect(await world.recordOf(user)).toEqual({});
  });

  it('two users writing one secret under names that differ only in case: refused before any call', async () => {
    const config =
      'users:\n' +
      '  - name: clash-a\n    targets:\n      - repository: octo/Clash\n' +
      '  - name: clash-b\n    targets:\n      - repository: octo/clash\n' +
      '        access-key-id: aws_access_key_id\n        secret-access-key: OTHER_SECRET\n';
    const run = await world.run(
      { 'github-token': TOKEN, config: 'rotation.yml' },
      { inputs: {}, files: { 'rotation.yml': config } },
    );
    runs.push(run);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/AWS_ACCESS_KEY_ID is also written by/i);
    expect(world.proxy.calls).toEqual([]);
    expect(world.github.requests).toEqual([]);
  });

  it('a user name with every character IAM allows', async () => {
    const user = 'ci+deploy=1,a.b@c_d-e';
    const run = await rotate(user, { inputs: { 'overlap-hours': '0' } });
    expect(run.code).toBe(0);
    expect(outcomeOf(run, user)!.outcome).toBe('rotated');
  });
});
