/**
 * Within GitHub's real limits, at a constant cost when nothing is due: the write budget defers
 * the youngest due keys to the next run, the stand-in (which enforces GitHub's 80-a-minute and
 * 500-an-hour content limits) never answers a secondary limit, the credential report rules out
 * fresh users for a constant number of IAM calls and stays exact when it is stale, shards are
 * disjoint, complete and stable, and 1,300 failing users stay within every publishing limit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  TOKEN,
  expectNoLeaks,
  invariantProblems,
  startWorld,
  type World,
} from './support/world.js';

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const BUDGET = range('budget', 12);
const PACED = range('paced', 45);
const FRESH = range('fresh', 300);
const SHARDED = range('sharded', 20);
const AGING = range('aging', 6);
const KEPT = range('kept', 3);

let world: World;
const runs: Awaited<ReturnType<World['run']>>[] = [];

beforeAll(async () => {
  const user = (name: string, ageDays: number) => ({
    name,
    keys: [{ status: 'Active' as const, ageDays }],
  });
  world = await startWorld({
    users: [
      // Oldest first: budget-11 is the oldest key (111 days).
      ...BUDGET.map((name, i) => user(name, 100 + i)),
      ...PACED.map((name) => user(name, 100)),
      ...FRESH.map((name) => user(name, 10)),
      ...SHARDED.map((name) => user(name, 10)),
      ...AGING.map((name) => user(name, 89)),
      ...KEPT.map((name, i) => user(name, 100 + i)),
    ],
    repositories: [{ owner: 'octo', repo: 'fleet', id: 1 }],
  });
}, 180_000);
afterAll(async () => world?.stop());
afterEach(() => {
  for (const run of runs) {
    expect(expectNoLeaks(world, run)).toEqual([]);
    // GitHub's secondary limits were never crossed.
    expect(world.github.secondaryLimitHits()).toBe(0);
  }
  expect(world.github.violations).toEqual([]);
  runs.length = 0;
});

/** One target per user in octo/fleet, each under its own secret names. */
function configOf(users: readonly string[]): string {
  const entries = users.map(
    (name) =>
      `  - name: ${name}\n    targets:\n      - repository: octo/fleet\n` +
      `        access-key-id: ${name.replace(/-/g, '_').toUpperCase()}_ID\n` +
      `        secret-access-key: ${name.replace(/-/g, '_').toUpperCase()}_SECRET\n`,
  );
  return `users:\n${entries.join('')}`;
}

async function runFor(users: readonly string[], inputs: Record<string, string> = {}) {
  const run = await world.run(
    { 'github-token': TOKEN, config: 'rotation.yml', ...inputs },
    { inputs: {}, files: { 'rotation.yml': configOf(users) }, timeoutMs: 300_000 },
  );
  runs.push(run);
  return run;
}

const outcomes = (run: Awaited<ReturnType<World['run']>>) =>
  Object.fromEntries(run.report.map((r) => [r['user'], r['outcome']]));

describe('the write budget', () => {
  it('rotates the 8 oldest of 12 due users within 16 writes, defers 4, and the next run rotates them', async () => {
    const first = await runFor(BUDGET, { 'max-writes-per-run': '16' });
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ rotated: '8', deferred: '4', failed: '0' });
    const seen = outcomes(first);
    expect(BUDGET.filter((u) => seen[u] === 'deferred')).toEqual(BUDGET.slice(0, 4));
    expect(first.summary).toMatch(/⏭️ deferred \| `budget-0`/);
    expect(first.report[0]!['message']).toMatch(
      /do not fit in what is left of max-writes-per-run \(16\)/,
    );
    const puts = world.github.requests.filter((r: { method: string }) => r.method === 'PUT');
    expect(puts).toHaveLength(16);

    const second = await runFor(BUDGET, { 'max-writes-per-run': '16' });
    expect(second.outputs).toMatchObject({ rotated: '4', deferred: '0' });
    const next = outcomes(second);
    expect(BUDGET.slice(0, 4).map((u) => next[u])).toEqual([
      'rotated',
      'rotated',
      'rotated',
      'rotated',
    ]);
    // The eight rotated first are waiting out the overlap window: no writes for them.
    expect(BUDGET.slice(4).every((u) => next[u] === 'waiting')).toBe(true);
    for (const name of BUDGET) {
      const ref = {
        owner: 'octo',
        repo: 'fleet',
        idName: `${name.replace(/-/g, '_').toUpperCase()}_ID`,
        secretName: `${name.replace(/-/g, '_').toUpperCase()}_SECRET`,
      };
      expect(await invariantProblems(world, name, [ref])).toEqual([]);
    }
  }, 200_000);

  it('keeps 3 writes of the budget for the tracking issue and says so to deferred users', async () => {
    // 7 writes: 3 kept for the issue leave 4, two users' pairs; the newest key waits.
    const run = await runFor(KEPT, { 'max-writes-per-run': '7', 'notify-issue': 'true' });
    expect(run.outputs).toMatchObject({ rotated: '2', deferred: '1' });
    expect(outcomes(run)['kept-0']).toBe('deferred');
    expect(run.report.find((r) => r['user'] === 'kept-0')!['message']).toMatch(
      /what is left of max-writes-per-run \(7, 3 kept for notifications\)/,
    );
    const writes = world.github.requests.filter((r: { method: string }) => r.method !== 'GET');
    expect(writes.filter((r: { method: string }) => r.method === 'PUT')).toHaveLength(4);
    expect(writes.length).toBeLessThanOrEqual(7);
  }, 120_000);

  it('paces 90 writes under GitHub 80-a-minute limit without one secondary-limit answer', async () => {
    const started = Date.now();
    const run = await runFor(PACED, { concurrency: '8' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ rotated: '45' });
    const puts = world.github.requests.filter((r: { method: string }) => r.method === 'PUT');
    expect(puts).toHaveLength(90);
    // The 81st write had to wait for the first minute's window to pass.
    expect(Date.now() - started).toBeGreaterThan(60_000);
  }, 300_000);
});

describe('the credential report fast path', () => {
  it('costs a constant number of IAM calls for 300 fresh users', async () => {
    // The run's identity, then one report: generate (STARTED when there is none yet or it is
    // four hours old, then COMPLETE), get. Nothing else, however many users.
    const counted = async (users: readonly string[]) => {
      const run = await runFor(users);
      expect(run.code).toBe(0);
      expect(run.report.every((r) => r['outcome'] === 'fresh')).toBe(true);
      expect(world.github.requests).toEqual([]);
      return world.proxy.countByAction();
    };
    const cold = await counted(FRESH.slice(0, 6));
    expect(Object.values(cold).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4);
    const many = await counted(FRESH);
    const few = await counted(FRESH.slice(0, 6));
    expect(many).toEqual({
      GetCallerIdentity: 1,
      GenerateCredentialReport: 1,
      GetCredentialReport: 1,
    });
    expect(few).toEqual(many);
  });

  it('stays exact with a stale report: keys that aged since are caught, a rotation since is confirmed', async () => {
    const first = await runFor(AGING, { 'overlap-hours': '0' });
    expect(Object.values(outcomes(first))).toEqual(AGING.map(() => 'fresh'));
    // Two days pass: the keys are 91 days old; the report (kept four hours) is two days old.
    await world.passTime(48, AGING);
    const second = await runFor(AGING, { 'overlap-hours': '0' });
    expect(Object.values(outcomes(second))).toEqual(AGING.map(() => 'rotated'));
    // The report still shows the old keys as stale; the per-user path sees they were rotated.
    await world.moto.ageCredentialReport(60);
    const third = await runFor(AGING, { 'overlap-hours': '0' });
    expect(Object.values(outcomes(third))).toEqual(AGING.map(() => 'fresh'));
    expect(world.proxy.countByAction()['ListAccessKeys']).toBe(AGING.length);
  });

  it('falls back to one call per user when the report cannot be had, and says so once', async () => {
    const run = await world.run(
      { 'github-token': TOKEN, config: 'rotation.yml' },
      { inputs: {}, files: { 'rotation.yml': configOf(FRESH.slice(0, 6)) } },
      () => {
        world.proxy.injectFault({
          action: 'GenerateCredentialReport',
          response: {
            status: 403,
            body:
              '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
              '<Message>not authorized to perform: iam:GenerateCredentialReport</Message></Error></ErrorResponse>',
          },
        });
      },
    );
    runs.push(run);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/credential report is unavailable/g)).toHaveLength(1);
    expect(world.proxy.countByAction()['ListAccessKeys']).toBe(6);
  });
});

describe('shards for a job matrix', () => {
  it('split 20 users into 3 disjoint, complete shares that stay the same across runs', async () => {
    const shareOf = async (index: number) => {
      const run = await runFor(SHARDED, { shard: `${index}/3`, 'dry-run': 'true' });
      expect(run.summary).toMatch(new RegExp(`Shard ${index} of 3: this job had \\d+ of the 20`));
      return run.report.map((r) => r['user'] as string).sort();
    };
    const shares = [await shareOf(1), await shareOf(2), await shareOf(3)];
    expect(shares.flat().sort()).toEqual([...SHARDED].sort());
    expect(new Set(shares.flat()).size).toBe(20);
    expect(await shareOf(2)).toEqual(shares[1]);
  });
});

describe('publishing at scale', () => {
  it('keeps the summary and every output of 1,300 failing users under GitHub limits, with 10 annotations', async () => {
    const missing = range('no-such-user', 1300);
    const run = await runFor(missing, { concurrency: '32', 'dry-run': 'true' });
    expect(run.code).toBe(1);
    expect(run.outputs['failed']).toBe('1300');
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024);
    for (const value of Object.values(run.outputs)) {
      expect(Buffer.byteLength(value)).toBeLessThan(1_000_000);
    }
    expect(run.compactReport).toHaveLength(1300);
    expect(run.report).toHaveLength(1300);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toHaveLength(10);
  }, 300_000);
});
