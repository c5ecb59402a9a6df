/**
 * Every action input is validated before anything changes: each bound is accepted at its edge and
 * refused one step past it, with a message naming the input; notification, shard and audit
 * inputs too.
 */
import { describe, expect, it } from '@jest/globals';
import type { InputContext } from '../../../src/settings/action-inputs.js';
import { InputError, Problems } from '../../../src/settings/input-parsing.js';
import { inShard, parseShard, shardOf } from '../../../src/settings/shard.js';
import { ONE_USER_CONFIG, contextWith, readOutcome } from '../support/inputs.js';

const context = contextWith({
  'rotation.yml': ONE_USER_CONFIG,
  'broken.yml': 'users: [',
  'gone.yml': new Error('no code'),
});
const PINNED = [7, 4, 7, 6];
const BASE = { 'github-token': 't', 'iam-user': 'ci-deploy' };

const outcome = (inputs: Record<string, string>, ctx: InputContext = context) =>
  readOutcome(inputs, ctx);
const problemsOf = (inputs: Record<string, string>, ctx?: InputContext) =>
  outcome({ ...BASE, ...inputs }, ctx).problems;
const settingsOf = (inputs: Record<string, string>) => {
  const { settings, problems } = outcome({ ...BASE, ...inputs });
  if (!settings) throw new Error(`unexpected problems: ${problems.join('; ')}`);
  return settings;
};

describe('whole-number inputs: accepted at each bound, refused one past it', () => {
  it.each<[string, number, number, (s: ReturnType<typeof settingsOf>) => number]>([
    ['max-age-days', 0, 36500, (s) => s.policy.maxAgeDays],
    ['delete-inactive-after-days', 0, 36500, (s) => s.policy.deleteInactiveAfterDays],
    ['verify-timeout-seconds', 1, 900, (s) => s.policy.verifyTimeoutSeconds],
    ['overlap-hours', 0, 8760, (s) => s.policy.overlapHours],
    ['concurrency', 1, 64, (s) => s.concurrency],
    ['max-writes-per-run', 1, 500, (s) => s.maxWritesPerRun],
  ])('%s from %d to %d', (name, min, max, pick) => {
    expect(pick(settingsOf({ [name]: String(min) }))).toBe(min);
    expect(pick(settingsOf({ [name]: ` ${max} ` }))).toBe(max);
    const refused = (value: string) =>
      `${name}: "${value}" is not a whole number from ${min} to ${max}`;
    expect(problemsOf({ [name]: String(max + 1) })).toEqual([refused(String(max + 1))]);
    if (min > 0) expect(problemsOf({ [name]: String(min - 1) })).toEqual([refused('0')]);
    for (const bad of ['1.5', '1e2', 'x7', '7x', '-0']) {
      expect(problemsOf({ [name]: bad })).toEqual([refused(bad)]);
    }
  });
});

describe('the error', () => {
  it('lists every problem on its own line, saying nothing was changed', () => {
    const error = new InputError(['a: one', 'b: two']);
    expect(error.message).toBe('Invalid input, nothing was changed:\n- a: one\n- b: two');
    expect(error.name).toBe('InputError');
  });
});

describe('true/false and choice inputs', () => {
  it('reads true and false in any case, and refuses anything else by its own text', () => {
    expect(settingsOf({ 'verify-new-key': 'False' }).policy.verifyNewKey).toBe(false);
    expect(settingsOf({ 'verify-new-key': 'TRUE' }).policy.verifyNewKey).toBe(true);
    expect(problemsOf({ 'verify-new-key': 'Yes' })).toEqual([
      'verify-new-key: "Yes" is not true or false',
    ]);
  });

  it('takes audit off, report or fail, off by default', () => {
    expect(settingsOf({}).audit).toBe('off');
    expect(settingsOf({ audit: 'report' }).audit).toBe('report');
    expect(settingsOf({ audit: 'fail' }).audit).toBe('fail');
    expect(problemsOf({ audit: 'Fail' })).toEqual([
      'audit: "Fail" is not one of: off, report, fail',
    ]);
  });

  it('takes choices exactly (no other case)', () => {
    expect(problemsOf({ 'retire-old-key': 'Delete' })).toEqual([
      'retire-old-key: "Delete" is not one of: deactivate, delete',
    ]);
  });
});

describe('the token', () => {
  it('is trimmed, and a blank one counts as missing', () => {
    expect(settingsOf({ 'github-token': '  tok  ' }).githubToken).toBe('tok');
    expect(problemsOf({ 'github-token': '   ' })).toEqual([
      'github-token: is required (a token that may write secrets; GITHUB_TOKEN cannot)',
    ]);
  });
});

describe('the quick-mode target', () => {
  it('needs a repository outside GitHub Actions', () => {
    const outside = { ...context, workflowRepository: undefined };
    expect(problemsOf({}, outside)).toEqual(['repository: is required outside GitHub Actions']);
    expect(outcome({ ...BASE, repository: 'octo/x' }, outside).settings?.users[0]?.targets).toEqual(
      [
        {
          scope: { type: 'repository', owner: 'octo', repo: 'x', kind: 'actions' },
          accessKeyIdName: 'AWS_ACCESS_KEY_ID',
          secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
        },
      ],
    );
  });

  it.each([
    ['octo/app/extra', '"octo/app/extra" is not of the form owner/repo'],
    ['/app', '"/app" is not of the form owner/repo'],
    ['octo/', '"octo/" is not of the form owner/repo'],
    ['-octo/app', '"-octo" is not a valid GitHub owner name'],
    ['octo/..', '".." is not a valid repository name'],
    ['octo/.', '"." is not a valid repository name'],
    ['octo/a b', '"a b" is not a valid repository name'],
  ])('refuses the repository %s', (repository, problem) => {
    expect(problemsOf({ repository })).toEqual([`repository: ${problem}`]);
  });

  it('accepts a repository name with dots, dashes and underscores', () => {
    expect(settingsOf({ repository: 'o-1/a.b_c-d' }).users[0]?.targets[0]?.scope).toMatchObject({
      owner: 'o-1',
      repo: 'a.b_c-d',
    });
  });

  it.each(['a/b', 'x'.repeat(256), 'a:b', 'a"b'])('refuses the environment %s', (environment) => {
    expect(problemsOf({ environment })).toEqual([
      `environment: "${environment}" is not a valid environment name`,
    ]);
  });

  it('accepts an environment of 255 characters with spaces', () => {
    const environment = `prod ${'x'.repeat(250)}`;
    expect(settingsOf({ environment }).users[0]?.targets[0]?.scope).toMatchObject({
      type: 'environment',
      environment,
    });
  });

  it('accepts an IAM user name of 64 characters of every allowed kind, and refuses 65', () => {
    const name = `a+=,.@_-${'b'.repeat(56)}`;
    expect(settingsOf({ 'iam-user': name }).users[0]?.name).toBe(name);
    expect(problemsOf({ 'iam-user': `${name}c` })).toEqual([
      `iam-user: "${name}c" is not a valid IAM user name (1-64 letters, digits and +=,.@_-)`,
    ]);
  });

  it('accepts secret names with underscores and digits after the first character', () => {
    const target = settingsOf({
      'access-key-id-secret': '_ID_2',
      'secret-access-key-secret': 'Key_9',
    }).users[0]?.targets[0];
    expect(target).toMatchObject({ accessKeyIdName: '_ID_2', secretAccessKeyName: 'Key_9' });
    expect(problemsOf({ 'access-key-id-secret': 'github_id' })).toEqual([
      'access-key-id-secret: "github_id" is not a valid secret name (must not start with GITHUB_)',
    ]);
    expect(problemsOf({ 'access-key-id-secret': 'MY_GITHUB_ID' })).toEqual([]);
  });
});

describe('the config file', () => {
  it('passes on every problem of a file that does not parse, under "config"', () => {
    const problems = problemsOf({ 'iam-user': '', config: 'broken.yml' });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith('config: '))).toBe(true);
  });

  it('names the failure of a file that cannot be read even without an error code', () => {
    expect(problemsOf({ 'iam-user': '', config: 'gone.yml' })).toEqual([
      'config: cannot read gone.yml (error)',
    ]);
  });
});

describe('notification inputs', () => {
  const EMAIL = { 'notify-email-from': 'rotation@example.com' };

  it('splits a list of addresses, trimming spaces and dropping empty entries', () => {
    const notify = settingsOf({ ...EMAIL, 'notify-email-to': ' a@x.io , ,b@y.org,' }).notify;
    expect(notify).toEqual({
      emailTo: ['a@x.io', 'b@y.org'],
      emailFrom: 'rotation@example.com',
      on: 'failure',
      issue: false,
    });
  });

  it.each(['a@x', 'ax.io', 'a b@x.io', 'a@x@y.io', '<a@x.io>', '@x.io', 'a@x.io b', 'a@x.io>'])(
    'refuses the address %s',
    (address) => {
      expect(problemsOf({ ...EMAIL, 'notify-email-to': address })).toEqual([
        `notify-email-to: "${address}" is not an email address`,
      ]);
    },
  );

  it('takes at most 50 addresses', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@x.io`).join(',');
    expect(settingsOf({ ...EMAIL, 'notify-email-to': list(50) }).notify.emailTo).toHaveLength(50);
    expect(problemsOf({ ...EMAIL, 'notify-email-to': list(51) })).toEqual([
      'notify-email-to: lists more than 50 addresses (SES sends to at most 50)',
    ]);
  });

  it('needs a sender with recipients, and checks the sender', () => {
    expect(problemsOf({ 'notify-email-to': 'a@x.io' })).toEqual([
      'notify-email-from: is required with notify-email-to (an address SES has verified)',
    ]);
    expect(problemsOf({ 'notify-email-from': 'nobody' })).toEqual([
      'notify-email-from: "nobody" is not an email address',
    ]);
    expect(settingsOf(EMAIL).notify.emailFrom).toBe('rotation@example.com');
  });

  it('keeps the issue in the workflow repository, which it needs', () => {
    expect(settingsOf({ 'notify-issue': 'true', 'notify-on': 'always' }).notify).toMatchObject({
      issue: true,
      on: 'always',
    });
    const outside = { ...context, workflowRepository: undefined };
    expect(problemsOf({ 'notify-issue': 'true', repository: 'octo/app' }, outside)).toEqual([
      "notify-issue: needs the workflow's repository (GITHUB_REPOSITORY) to keep its issue in",
    ]);
    expect(problemsOf({ 'notify-on': 'never' })).toEqual([
      'notify-on: "never" is not one of: failure, always',
    ]);
  });
});

describe('shards', () => {
  it('run only the users of the shard, and keep every user for the audit', () => {
    const config = [
      'users:',
      ...Array.from(
        { length: 12 },
        (_, i) => `  - name: u${i}\n    targets:\n      - repository: octo/r${i}`,
      ),
    ].join('\n');
    const ctx = { ...context, readFile: () => config };
    const shard = (i: number) => {
      const { settings, problems } = outcome(
        { 'github-token': 't', config: 'c.yml', shard: `${i}/3` },
        ctx,
      );
      if (!settings) throw new Error(problems.join('; '));
      return settings;
    };
    const shares = [1, 2, 3].map(shard);
    expect(shares.map((s) => s.allUsers.length)).toEqual([12, 12, 12]);
    expect(shares.flatMap((s) => s.users.map((u) => u.name)).sort()).toEqual(
      shares[0]!.allUsers.map((u) => u.name).sort(),
    );
    for (const [i, s] of shares.entries()) {
      expect(s.shard).toEqual({ index: i + 1, count: 3 });
      expect(s.users.every((u) => shardOf(u, 3) === i + 1)).toBe(true);
    }
  });

  it('accept 1/1 and 256/256, and refuse 257 shards, leading garbage and trailing garbage', () => {
    const problems = new Problems();
    expect(parseShard('1/1', problems)).toEqual({ index: 1, count: 1 });
    expect(parseShard('256/256', problems)).toEqual({ index: 256, count: 256 });
    expect(parseShard('3/3', problems)).toEqual({ index: 3, count: 3 });
    expect(problems.list).toEqual([]);
    for (const bad of ['1/257', 'x1/2', '1/2x', '1 /2']) {
      expect(parseShard(bad, problems)).toBeUndefined();
    }
    expect(problems.list).toHaveLength(4);
  });

  it('place a user by a stable hash of account and name', () => {
    // Pinned values: a change of hash would move users between shards of a running matrix.
    expect([1, 2, 3, 4].map((i) => shardOf({ name: `user-${i}` }, 7))).toEqual(PINNED);
    expect(shardOf({ name: 'ci', account: '111111111111' }, 1000)).not.toBe(
      shardOf({ name: 'ci', account: '222222222222' }, 1000),
    );
    expect(
      inShard({ name: 'user-1', targets: [] }, { index: shardOf({ name: 'user-1' }, 5), count: 5 }),
    ).toBe(true);
  });
});
