/**
 * Beyond one account: the action runs as a rotator in its own account, with exactly the policies
 * the docs ship (examples/*.json), and assumes a role in a second account of the same moto, with
 * IAM enforced. Users in both accounts are rotated in one run; a role that cannot be assumed
 * fails only its account's users; the audit lists stale keys of both accounts, changes nothing,
 * and `audit: fail` fails the step.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../emulators/action-runner.mjs';
import {
  TOKEN,
  authenticatesAs,
  expectNoLeaks,
  invariantProblems,
  startWorld,
  type World,
} from './support/world.js';

const OWN = '123456789012';
const MEMBER = '210987654321';
const THIRD = '333344445555';
const policy = (name: string) =>
  JSON.parse(readFileSync(`${repoRoot}/examples/${name}.json`, 'utf8')) as Record<string, unknown>;
const ROTATOR = `arn:aws:iam::${OWN}:user/rotator`;
// The trust policy names the workflow's role; here the action runs as the rotator user.
const trust = JSON.parse(
  JSON.stringify(policy('member-role-trust-policy')).replace(
    `arn:aws:iam::${OWN}:role/iam-key-rotation`,
    ROTATOR,
  ),
) as Record<string, unknown>;

function withoutCondition(document: Record<string, unknown>): Record<string, unknown> {
  const statements = document['Statement'] as Record<string, unknown>[];
  return { ...document, Statement: statements.map(({ Condition: _, ...rest }) => rest) };
}

let world: World;
const runs: Awaited<ReturnType<World['run']>>[] = [];

beforeAll(async () => {
  world = await startWorld({
    users: [
      {
        name: 'rotator',
        keys: [{ status: 'Active', ageDays: 1 }],
        inlinePolicies: {
          rotation: policy('iam-policy'),
          'assume-roles': policy('iam-policy-assume-roles'),
        },
      },
      {
        name: 'rotator-without-assume',
        keys: [{ status: 'Active', ageDays: 1 }],
        inlinePolicies: { rotation: policy('iam-policy') },
      },
      { name: 'own-app', path: '/rotated/', keys: [{ status: 'Active', ageDays: 100 }] },
      // Audit: a stale key nobody manages, and a young one in use.
      { name: 'legacy', keys: [{ status: 'Active', ageDays: 200, lastUsedDaysAgo: 3 }] },
      { name: 'young', keys: [{ status: 'Active', ageDays: 10, lastUsedDaysAgo: 1 }] },
    ],
    accounts: [
      {
        accountId: MEMBER,
        users: [
          { name: 'remote-app', path: '/rotated/', keys: [{ status: 'Active', ageDays: 100 }] },
          { name: 'remote-legacy', keys: [{ status: 'Active', ageDays: 300, lastUsedDaysAgo: 2 }] },
        ],
        roles: [
          {
            name: 'key-rotation',
            trustPolicy: trust,
            inlinePolicies: { rotation: policy('member-role-policy') },
          },
        ],
      },
      // A third account whose role asks for no external id (the condition is optional).
      {
        accountId: THIRD,
        users: [
          { name: 'third-app', path: '/rotated/', keys: [{ status: 'Active', ageDays: 100 }] },
        ],
        roles: [
          {
            name: 'key-rotation',
            trustPolicy: withoutCondition(trust),
            inlinePolicies: {
              rotation: JSON.parse(
                JSON.stringify(policy('member-role-policy')).replaceAll(MEMBER, THIRD),
              ),
            },
          },
        ],
      },
    ],
    repositories: [
      { owner: 'octo', repo: 'own', id: 1 },
      { owner: 'octo', repo: 'remote', id: 2 },
      { owner: 'octo', repo: 'third', id: 3 },
    ],
  });
});
afterAll(async () => world?.stop());
afterEach(() => {
  for (const run of runs) expect(expectNoLeaks(world, run)).toEqual([]);
  expect(world.github.violations).toEqual([]);
  runs.length = 0;
});

const accounts = (externalId = 'rotation-7f3a', role = 'key-rotation') =>
  [
    'accounts:',
    '  prod:',
    `    role-arn: arn:aws:iam::${MEMBER}:role/${role}`,
    `    external-id: ${externalId}`,
  ].join('\n');
const USERS = [
  'users:',
  '  - name: own-app',
  '    targets:',
  '      - repository: octo/own',
  '  - name: remote-app',
  '    account: prod',
  '    targets:',
  '      - repository: octo/remote',
].join('\n');

async function runAs(config: string, inputs: Record<string, string> = {}, as = 'rotator') {
  const rotator = world.moto.state.users[as]![0]!;
  const run = await world.run(
    { 'github-token': TOKEN, config: 'rotation.yml', 'overlap-hours': '0', ...inputs },
    {
      inputs: {},
      files: { 'rotation.yml': `${config}\n` },
      env: {
        AWS_ACCESS_KEY_ID: rotator.accessKeyId,
        AWS_SECRET_ACCESS_KEY: rotator.secretAccessKey,
      },
    },
  );
  runs.push(run);
  return run;
}

describe('users in two accounts, with the shipped least-privilege policies', () => {
  it('rotates a user in each account in one run; each new key signs in, in its own account', async () => {
    const [remoteOld] = world.moto.state.accounts[MEMBER]!.users['remote-app']!;
    const run = await runAs(`${accounts()}\n${USERS}`);
    expect(run.code).toBe(0);
    expect(run.report.map((r) => [r['account'], r['user'], r['outcome']])).toEqual([
      [OWN, 'own-app', 'rotated'],
      ['prod', 'remote-app', 'rotated'],
    ]);
    const own = world.pairOf({ owner: 'octo', repo: 'own' })!;
    const remote = world.pairOf({ owner: 'octo', repo: 'remote' })!;
    expect(await authenticatesAs(world, own)).toBe(`arn:aws:iam::${OWN}:user/rotated/own-app`);
    expect(await authenticatesAs(world, remote)).toBe(
      `arn:aws:iam::${MEMBER}:user/rotated/remote-app`,
    );
    expect(remote.id).not.toBe(remoteOld!.accessKeyId);
    expect(await invariantProblems(world, 'own-app', [{ owner: 'octo', repo: 'own' }])).toEqual([]);
    // The role was assumed once, by the rotator, with a session name that names the run.
    const assumed = world.proxy.calls.filter((c: { action: string }) => c.action === 'AssumeRole');
    expect(assumed).toHaveLength(1);
    expect(run.summary).toMatch(/#### Account `prod`: 1 user\(s\), 1 rotated/);
  });

  it('fails only the users of an account whose role cannot be assumed, and names the cause', async () => {
    const run = await runAs(`${accounts('wrong-id')}\n${USERS}`, { 'max-age-days': '0' });
    expect(run.code).toBe(1);
    const [own, remote] = run.report;
    expect(own).toMatchObject({ user: 'own-app', outcome: 'rotated' });
    expect(remote).toMatchObject({ account: 'prod', user: 'remote-app', outcome: 'failed' });
    expect(remote!['message']).toMatch(
      new RegExp(
        `cannot assume role arn:aws:iam::${MEMBER}:role/key-rotation for AWS account "prod": AWS denied it .*trust policy does not allow ${ROTATOR}, or the external id does not match`,
      ),
    );
  });

  it('assumes a role whose trust policy asks for no external id', async () => {
    const config = [
      'accounts:',
      '  third:',
      `    role-arn: arn:aws:iam::${THIRD}:role/key-rotation`,
      'users:',
      '  - name: third-app',
      '    account: third',
      '    targets:',
      '      - repository: octo/third',
    ].join('\n');
    const run = await runAs(config);
    expect(run.report[0]).toMatchObject({ account: 'third', outcome: 'rotated' });
    const pair = world.pairOf({ owner: 'octo', repo: 'third' })!;
    expect(await authenticatesAs(world, pair)).toBe(`arn:aws:iam::${THIRD}:user/rotated/third-app`);
  });

  it('is refused, for that account only, when its identity may not assume the role', async () => {
    const run = await runAs(
      `${accounts()}\n${USERS}`,
      { 'max-age-days': '0' },
      'rotator-without-assume',
    );
    expect(run.report.map((r) => r['outcome'])).toEqual(['rotated', 'failed']);
    expect(run.report[1]!['message']).toMatch(/lacks sts:AssumeRole on the role/);
  });

  it('says so for a role that does not exist', async () => {
    const run = await runAs(`${accounts('rotation-7f3a', 'no-such-role')}\n${USERS}`);
    expect(run.report[1]).toMatchObject({ outcome: 'failed' });
    expect(run.report[1]!['message']).toMatch(/cannot assume role .*no-such-role/);
  });
});

describe('the audit', () => {
  it('lists stale keys of every account, flags the unmanaged, calls a young key fine, changes nothing', async () => {
    const before = {
      legacy: await world.keysOf('legacy'),
      young: await world.keysOf('young'),
    };
    const run = await runAs(`${accounts()}\n${USERS}`, { audit: 'report', 'dry-run': 'true' });
    expect(run.code).toBe(0);
    const audit = JSON.parse(run.outputs['audit']!) as {
      account: string;
      user: string;
      managed: boolean;
      keys: { findings: string[]; ageDays: number }[];
    }[];
    const found = Object.fromEntries(audit.map((e) => [`${e.account}/${e.user}`, e]));
    expect(found[`${OWN}/legacy`]).toMatchObject({
      managed: false,
      keys: [{ ageDays: 200, findings: ['200 days old'] }],
    });
    expect(found['prod/remote-legacy']).toMatchObject({ managed: false });
    expect(found[`${OWN}/young`]).toBeUndefined();
    expect(run.summary).toContain('### Audit (report)');
    expect(run.summary).toMatch(/\| `prod` \| `remote-legacy` \| \*\*no\*\* \|/);
    expect(await world.keysOf('legacy')).toEqual(before.legacy);
    expect(await world.keysOf('young')).toEqual(before.young);
  });

  it('fails the step with audit: fail while a stale key remains', async () => {
    const run = await runAs(`${accounts()}\n${USERS}`, { audit: 'fail' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /the audit found \d+ user\(s\) with a stale active key this run leaves/,
    );
    expect(run.outputs['failed']).toBe('0');
  });
});
