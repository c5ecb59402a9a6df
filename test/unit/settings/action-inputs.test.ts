import { describe, expect, it } from '@jest/globals';
import { readSettings } from '../../../src/settings/action-inputs.js';
import { DEFAULT_POLICY } from '../support/fixtures.js';
import { ONE_USER_CONFIG, contextWith, readOutcome } from '../support/inputs.js';

const context = contextWith({ 'rotation.yml': ONE_USER_CONFIG });

const read =
  (inputs: Record<string, string>) =>
  (name: string): string =>
    inputs[name] ?? '';

function problemsOf(inputs: Record<string, string>): readonly string[] {
  const { settings, problems } = readOutcome(inputs, context);
  if (settings) throw new Error('expected an InputError');
  return problems;
}

describe('readSettings', () => {
  it('fills every default in quick mode', () => {
    const settings = readSettings(read({ 'github-token': 't', 'iam-user': 'ci-deploy' }), context);
    const users = [
      {
        name: 'ci-deploy',
        targets: [
          {
            scope: { type: 'repository', owner: 'octo', repo: 'app', kind: 'actions' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
          },
        ],
      },
    ];
    expect(settings).toEqual({
      githubToken: 't',
      dryRun: false,
      concurrency: 4,
      policy: DEFAULT_POLICY,
      maxWritesPerRun: 400,
      shard: undefined,
      users,
      allUsers: users,
      accounts: [],
      audit: 'off',
      notify: { emailTo: [], emailFrom: undefined, on: 'failure', issue: false },
    });
  });

  it('writes environment secrets of another repository with custom names', () => {
    const settings = readSettings(
      read({
        'github-token': 't',
        'iam-user': 'ci-deploy',
        repository: 'octo/infra',
        environment: 'production',
        'access-key-id-secret': 'PROD_ID',
        'secret-access-key-secret': 'PROD_SECRET',
        'two-active-keys': 'delete-least-recently-used',
        'retire-old-key': 'delete',
        'dry-run': 'TRUE',
      }),
      context,
    );
    expect(settings.users[0]?.targets[0]).toEqual({
      scope: { type: 'environment', owner: 'octo', repo: 'infra', environment: 'production' },
      accessKeyIdName: 'PROD_ID',
      secretAccessKeyName: 'PROD_SECRET',
    });
    expect(settings.policy).toMatchObject({
      twoActiveKeys: 'delete-least-recently-used',
      retireOldKey: 'delete',
    });
    expect(settings.dryRun).toBe(true);
  });

  it('reads users from the config file', () => {
    const settings = readSettings(read({ 'github-token': 't', config: 'rotation.yml' }), context);
    expect(settings.users).toEqual([
      {
        name: 'ci-deploy',
        targets: [
          {
            scope: { type: 'organization', org: 'octo', kind: 'actions' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
          },
        ],
      },
    ]);
  });

  it('allows a dry run without a token', () => {
    expect(
      readSettings(read({ 'iam-user': 'u', 'dry-run': 'true' }), context).githubToken,
    ).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'a missing token',
      { 'iam-user': 'u' },
      'github-token: is required (a token that may write secrets; GITHUB_TOKEN cannot)',
    ],
    [
      'neither user nor config',
      { 'github-token': 't' },
      'iam-user: set exactly one of "iam-user" (one user) or "config" (a file of users)',
    ],
    [
      'both user and config',
      { 'github-token': 't', 'iam-user': 'u', config: 'rotation.yml' },
      'iam-user: set exactly one of "iam-user" (one user) or "config" (a file of users)',
    ],
    [
      'an invalid user name',
      { 'github-token': 't', 'iam-user': 'a b' },
      'iam-user: "a b" is not a valid IAM user name (1-64 letters, digits and +=,.@_-)',
    ],
    [
      'a GITHUB_ secret name',
      { 'github-token': 't', 'iam-user': 'u', 'access-key-id-secret': 'GITHUB_KEY' },
      'access-key-id-secret: "GITHUB_KEY" is not a valid secret name (must not start with GITHUB_)',
    ],
    [
      'a secret name with a dash',
      { 'github-token': 't', 'iam-user': 'u', 'secret-access-key-secret': 'AWS-KEY' },
      'secret-access-key-secret: "AWS-KEY" is not a valid secret name (letters, digits and underscores; not starting with a digit)',
    ],
    [
      'a secret name starting with a digit',
      { 'github-token': 't', 'iam-user': 'u', 'access-key-id-secret': '1KEY' },
      'access-key-id-secret: "1KEY" is not a valid secret name (letters, digits and underscores; not starting with a digit)',
    ],
    [
      'the same name twice',
      {
        'github-token': 't',
        'iam-user': 'u',
        'access-key-id-secret': 'X',
        'secret-access-key-secret': 'x',
      },
      'secret-access-key-secret: must differ from access-key-id-secret',
    ],
    [
      'a malformed repository',
      { 'github-token': 't', 'iam-user': 'u', repository: 'octo' },
      'repository: "octo" is not of the form owner/repo',
    ],
    [
      'a non-numeric age',
      { 'github-token': 't', 'iam-user': 'u', 'max-age-days': 'ninety' },
      'max-age-days: "ninety" is not a whole number from 0 to 36500',
    ],
    [
      'a negative age',
      { 'github-token': 't', 'iam-user': 'u', 'delete-inactive-after-days': '-1' },
      'delete-inactive-after-days: "-1" is not a whole number from 0 to 36500',
    ],
    [
      'an unknown retire action',
      { 'github-token': 't', 'iam-user': 'u', 'retire-old-key': 'remove' },
      'retire-old-key: "remove" is not one of: deactivate, delete',
    ],
    [
      'an unknown two-key policy',
      { 'github-token': 't', 'iam-user': 'u', 'two-active-keys': 'ignore' },
      'two-active-keys: "ignore" is not one of: fail, delete-least-recently-used',
    ],
    [
      'a non-boolean',
      { 'github-token': 't', 'iam-user': 'u', 'verify-new-key': 'yes' },
      'verify-new-key: "yes" is not true or false',
    ],
    [
      'zero concurrency',
      { 'github-token': 't', 'iam-user': 'u', concurrency: '0' },
      'concurrency: "0" is not a whole number from 1 to 64',
    ],
    [
      'an unreadable config',
      { 'github-token': 't', config: 'nope.yml' },
      'config: cannot read nope.yml (ENOENT)',
    ],
  ])('rejects %s with a message naming the input', (_name, inputs, expected) => {
    expect(problemsOf(inputs)).toContain(expected);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ 'iam-user': 'a b', 'max-age-days': 'x', 'dry-run': 'maybe' })).toHaveLength(
      4,
    );
  });

  it('never echoes the token in a message', () => {
    const token = 'ghp_supersecrettokenvalue123';
    const problems = problemsOf({ 'github-token': token, 'iam-user': 'a b', 'max-age-days': 'x' });
    expect(problems.join('\n')).not.toContain(token);
  });
});
