import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import schema from '../../../schema/config.schema.json' with { type: 'json' };
import { ConfigError, parseConfig } from '../../../src/settings/config-file/index.js';
import {
  environmentProblem,
  iamUserProblem,
  ownerProblem,
  parseRepository,
  repoNameProblem,
  secretNameProblem,
} from '../../../src/settings/naming-rules.js';
import type { UserSpec } from '../../../src/model/settings.js';

/** The problems parseConfig reports for a file, or [] when it parses. */
function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'config.yml');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

/** Joins lines, so a test's YAML reads as it would in a file. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('parseConfig rejects a broken file with every problem in it', () => {
  const cases: [string, string, string[]][] = [
    [
      'YAML syntax error, with line and column',
      yaml('users:', '  - name: ci-deploy: x', '    targets:', '      - repository: octo/app'),
      ['config.yml:2:11: Nested mappings are not allowed in compact mappings'],
    ],
    [
      'YAML syntax errors, all of them',
      yaml('users:', '  - name: a', '    name: b', '    targets:', '      - repository: "octo/app'),
      ['config.yml:3:5: Map keys must be unique', 'config.yml:6:1: Missing closing "quote'],
    ],
    [
      'a key written twice',
      yaml('users:', '  - name: a', '    name: b', '    targets:', '      - repository: octo/app'),
      ['config.yml:3:5: Map keys must be unique'],
    ],
    [
      'an empty file',
      '',
      ['config.yml: the file must be a mapping with a "users" list, but is empty'],
    ],
    [
      'no users key',
      yaml('user: []'),
      [
        'config.yml:1: missing required key "users"',
        'config.yml:1: unknown key "user" (did you mean "users"?)',
      ],
    ],
    ['empty users', yaml('users: []'), ['config.yml:1: users: must list at least one user']],
    [
      'users is not a list',
      yaml('users: ci-deploy'),
      ['config.yml:1: users: must be a list, not a string'],
    ],
    [
      'unknown key, with a suggestion',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - organization: octo',
        '        visiblity: all',
      ),
      ['config.yml:5: users[0].targets[0]: unknown key "visiblity" (did you mean "visibility"?)'],
    ],
    [
      'unknown key, no suggestion',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        foo: 1',
      ),
      ['config.yml:5: users[0].targets[0]: unknown key "foo"'],
    ],
    [
      'unknown keys in another spelling',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        accessKeyId: KEY_ID',
        '        id: 1',
        '        enviroment: prod',
      ),
      [
        'config.yml:5: users[0].targets[0]: unknown key "accessKeyId" (did you mean "access-key-id"?)',
        'config.yml:6: users[0].targets[0]: unknown key "id"',
        'config.yml:7: users[0].targets[0]: unknown key "enviroment" (did you mean "environment"?)',
      ],
    ],
    [
      'missing user name',
      yaml('users:', '  - targets:', '      - repository: octo/app'),
      ['config.yml:2: users[0]: missing required key "name"'],
    ],
    [
      'an empty user name',
      yaml('users:', '  - name:', '    targets:', '      - repository: octo/app'),
      ['config.yml:2: users[0].name: must be a string, but is empty'],
    ],
    [
      'a user name YAML reads as a number',
      yaml('users:', '  - name: 2024', '    targets:', '      - repository: octo/app'),
      ['config.yml:2: users[0].name: must be a string, not a number (quote it)'],
    ],
    [
      'invalid IAM user name',
      yaml('users:', '  - name: ci deploy', '    targets:', '      - repository: octo/app'),
      [
        'config.yml:2: users[0].name: "ci deploy" is not a valid IAM user name (1-64 letters, digits and +=,.@_-)',
      ],
    ],
    [
      'missing targets',
      yaml('users:', '  - name: ci-deploy'),
      ['config.yml:2: users[0]: missing required key "targets"'],
    ],
    [
      'empty targets',
      yaml('users:', '  - name: ci-deploy', '    targets: []'),
      ['config.yml:3: users[0].targets: must list at least one target'],
    ],
    [
      'a target written as a string',
      yaml('users:', '  - name: ci-deploy', '    targets:', '      - octo/app'),
      ['config.yml:4: users[0].targets[0]: must be a mapping (key: value), not a string'],
    ],
    [
      'duplicate users, whatever their case',
      yaml(
        'users:',
        '  - name: ci-deploy',
        '    targets:',
        '      - repository: octo/app',
        '  - name: CI-Deploy',
        '    targets:',
        '      - repository: octo/infra',
      ),
      [
        'config.yml:5: users[1].name: user "CI-Deploy" is already listed at users[0]; list each user once, with all its targets',
      ],
    ],
    [
      'two users writing the same secret',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '  - name: b',
        '    targets:',
        '      - repository: Octo/App',
        '        secret-access-key: OTHER_SECRET',
      ),
      [
        'config.yml:7: users[1].targets[0]: Octo/App (Actions): AWS_ACCESS_KEY_ID is also written by users[0].targets[0]; each secret can hold only one key',
      ],
    ],
    [
      'one user writing the same secrets twice',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - organization: octo',
        '      - organization: octo',
        '        kind: actions',
        '      - organization: octo',
        '        kind: dependabot',
      ),
      [
        'config.yml:5: users[0].targets[1]: organization octo (Actions): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are also written by users[0].targets[0]; each secret can hold only one key',
      ],
    ],
    [
      'both secret names the same',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        access-key-id: AWS_KEY',
        '        secret-access-key: aws_key',
      ),
      [
        'config.yml:4: users[0].targets[0]: "access-key-id" and "secret-access-key" are both "AWS_KEY"',
      ],
    ],
    [
      'invalid secret name',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        access-key-id: 1KEY',
        '        secret-access-key: AWS-SECRET',
      ),
      [
        'config.yml:5: users[0].targets[0].access-key-id: "1KEY" is not a valid secret name (letters, digits and underscores; not starting with a digit)',
        'config.yml:6: users[0].targets[0].secret-access-key: "AWS-SECRET" is not a valid secret name (letters, digits and underscores; not starting with a digit)',
      ],
    ],
    [
      'secret name starting with GITHUB_',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        access-key-id: github_KEY_ID',
      ),
      [
        'config.yml:5: users[0].targets[0].access-key-id: "github_KEY_ID" is not a valid secret name (must not start with GITHUB_)',
      ],
    ],
    [
      'repository not of the form owner/repo',
      yaml('users:', '  - name: a', '    targets:', '      - repository: octo'),
      ['config.yml:4: users[0].targets[0].repository: "octo" is not of the form owner/repo'],
    ],
    [
      'invalid owner, repository, organization and environment names',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: -octo/app',
        '      - repository: octo/..',
        '      - repository: octo/app',
        '        environment: "prod:eu"',
        '      - organization: octo_corp',
        '        visibility: selected',
        '        repositories: [app, "my app"]',
      ),
      [
        'config.yml:4: users[0].targets[0].repository: "-octo" is not a valid GitHub owner name',
        'config.yml:5: users[0].targets[1].repository: ".." is not a valid repository name',
        'config.yml:7: users[0].targets[2].environment: "prod:eu" is not a valid environment name',
        'config.yml:8: users[0].targets[3].organization: "octo_corp" is not a valid GitHub owner name',
        'config.yml:10: users[0].targets[3].repositories[1]: "my app" is not a valid repository name',
      ],
    ],
    [
      'repositories without visibility',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - organization: octo',
        '        repositories: [app]',
      ),
      ['config.yml:4: users[0].targets[0]: "repositories" needs "visibility: selected".'],
    ],
    [
      'repositories with visibility all',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - organization: octo',
        '        visibility: all',
        '        repositories: [app]',
      ),
      [
        'config.yml:5: users[0].targets[0].visibility: "repositories" needs "visibility: selected".',
      ],
    ],
    [
      'an unknown visibility',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - organization: octo',
        '        visibility: public',
        '        repositories: [app]',
      ),
      [
        'config.yml:5: users[0].targets[0].visibility: must be one of all, private, selected, not "public"',
      ],
    ],
    [
      'the same repository selected twice',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - organization: octo',
        '        visibility: selected',
        '        repositories: [app, app]',
      ),
      ['config.yml:6: users[0].targets[0].repositories: lists "app" twice'],
    ],
    [
      'organization options on a repository target',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        visibility: selected',
        '        repositories: [app]',
      ),
      [
        'config.yml:5: users[0].targets[0]: "visibility" is only allowed together with "organization"',
        'config.yml:6: users[0].targets[0]: "repositories" is only allowed together with "organization"',
      ],
    ],
    [
      'environment with kind dependabot',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        environment: production',
        '        kind: dependabot',
      ),
      [
        'config.yml:6: users[0].targets[0].kind: Environments only hold Actions secrets: remove "kind" or "environment".',
      ],
    ],
    [
      'environment on an organization target',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - organization: octo',
        '        environment: production',
      ),
      [
        'config.yml:5: users[0].targets[0]: "environment" is only allowed together with "repository"',
      ],
    ],
    [
      'an unknown kind',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        environment: production',
        '        kind: codespace',
      ),
      [
        'config.yml:6: users[0].targets[0].kind: must be one of actions, dependabot, codespaces, not "codespace"',
      ],
    ],
    [
      'both repository and organization',
      yaml(
        'users:',
        '  - name: a',
        '    targets:',
        '      - repository: octo/app',
        '        organization: octo',
      ),
      [
        'config.yml:4: users[0].targets[0]: has both "repository" and "organization": give each its own target',
      ],
    ],
    [
      'neither repository nor organization',
      yaml('users:', '  - name: a', '    targets:', '      - kind: actions'),
      ['config.yml:4: users[0].targets[0]: needs one of "repository" or "organization"'],
    ],
    [
      'several problems at once, in file order',
      yaml(
        'users:',
        '  - name: ci-deploy',
        '    targets:',
        '      - repository: octo',
        '      - organization: octo',
        '        visiblity: all',
        '  - name: ci-deploy',
        '  - targets:',
        '      - repository: octo/app',
        '        access-key-id: GITHUB_TOKEN',
      ),
      [
        'config.yml:4: users[0].targets[0].repository: "octo" is not of the form owner/repo',
        'config.yml:6: users[0].targets[1]: unknown key "visiblity" (did you mean "visibility"?)',
        'config.yml:7: users[1]: missing required key "targets"',
        'config.yml:7: users[1].name: user "ci-deploy" is already listed at users[0]; list each user once, with all its targets',
        'config.yml:8: users[2]: missing required key "name"',
        'config.yml:10: users[2].targets[0].access-key-id: "GITHUB_TOKEN" is not a valid secret name (must not start with GITHUB_)',
      ],
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('throws a ConfigError whose message lists every problem', () => {
    const text = yaml(
      'users:',
      '  - name: a',
      '    targets:',
      '      - repository: octo',
      '        x: 1',
    );
    expect(() => parseConfig(text, 'rotation.yml')).toThrow(
      new ConfigError('rotation.yml', [
        'rotation.yml:4: users[0].targets[0].repository: "octo" is not of the form owner/repo',
        'rotation.yml:5: users[0].targets[0]: unknown key "x"',
      ]),
    );
    expect(() => parseConfig(text, 'rotation.yml')).toThrow(
      'config file rotation.yml has 2 problems:\n' +
        '  rotation.yml:4: users[0].targets[0].repository: "octo" is not of the form owner/repo\n' +
        '  rotation.yml:5: users[0].targets[0]: unknown key "x"',
    );
  });
});

describe('parseConfig maps a valid file to users and targets', () => {
  it('covers every target kind, with defaults filled in', () => {
    const text = yaml(
      'users:',
      '  - name: ci-deploy',
      '    targets:',
      '      - repository: octo/app',
      '      - repository: octo/app',
      '        environment: production',
      '        access-key-id: PROD_AWS_ACCESS_KEY_ID',
      '        secret-access-key: PROD_AWS_SECRET_ACCESS_KEY',
      '      - repository: octo/app',
      '        kind: dependabot',
      '      - repository: octo/app',
      '        kind: codespaces',
      '  - name: org-reader',
      '    targets:',
      '      - organization: octo',
      '        visibility: selected',
      '        repositories: [app, infra]',
      '      - organization: octo',
      '        kind: dependabot',
      '        visibility: selected',
      '      - organization: octo',
      '        kind: codespaces',
      '        visibility: private',
      '      - organization: other',
      '        visibility: all',
      '      - organization: third',
      '        access-key-id: ORG_KEY_ID',
    );
    const expected: UserSpec[] = [
      {
        name: 'ci-deploy',
        targets: [
          {
            scope: { type: 'repository', owner: 'octo', repo: 'app', kind: 'actions' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
          },
          {
            scope: { type: 'environment', owner: 'octo', repo: 'app', environment: 'production' },
            accessKeyIdName: 'PROD_AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'PROD_AWS_SECRET_ACCESS_KEY',
          },
          {
            scope: { type: 'repository', owner: 'octo', repo: 'app', kind: 'dependabot' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
          },
          {
            scope: { type: 'repository', owner: 'octo', repo: 'app', kind: 'codespaces' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
          },
        ],
      },
      {
        name: 'org-reader',
        targets: [
          {
            scope: { type: 'organization', org: 'octo', kind: 'actions' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
            orgAccess: { visibility: 'selected', repositories: ['app', 'infra'] },
          },
          {
            scope: { type: 'organization', org: 'octo', kind: 'dependabot' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
            orgAccess: { visibility: 'selected', repositories: [] },
          },
          {
            scope: { type: 'organization', org: 'octo', kind: 'codespaces' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
            orgAccess: { visibility: 'private' },
          },
          {
            scope: { type: 'organization', org: 'other', kind: 'actions' },
            accessKeyIdName: 'AWS_ACCESS_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
            orgAccess: { visibility: 'all' },
          },
          {
            scope: { type: 'organization', org: 'third', kind: 'actions' },
            accessKeyIdName: 'ORG_KEY_ID',
            secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
          },
        ],
      },
    ];
    const { users } = parseConfig(text, 'config.yml');
    // toStrictEqual: no stray keys such as `orgAccess: undefined` on non-organization targets.
    expect(users).toStrictEqual(expected);
  });

  it('allows the same secret names in different scopes and different names in one scope', () => {
    const text = yaml(
      'users:',
      '  - name: a',
      '    targets:',
      '      - repository: octo/app',
      '      - repository: octo/app',
      '        environment: production',
      '      - organization: octo',
      '  - name: b',
      '    targets:',
      '      - repository: octo/app',
      '        access-key-id: B_KEY_ID',
      '        secret-access-key: B_SECRET',
    );
    expect(problemsOf(text)).toEqual([]);
  });

  it('parses the shipped example cleanly', () => {
    const text = readFileSync(
      new URL('../../../examples/rotation-config.yml', import.meta.url),
      'utf8',
    );
    const { users } = parseConfig(text, 'examples/rotation-config.yml');
    expect(users.map((user) => user.name)).toEqual(['ci-deploy', 'ci-artifacts-reader']);
    const scopes = users.flatMap((user) => user.targets.map((target) => target.scope));
    expect(new Set(scopes.map((scope) => scope.type))).toEqual(
      new Set(['repository', 'environment', 'organization']),
    );
    expect(text).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/config\.schema\.json\n/);
  });
});

describe('the JSON Schema', () => {
  const validate = new Ajv({ keywords: ['errorMessage', 'patternErrorMessage'] }).compile(schema);
  type Field =
    'name' | 'repository' | 'organization' | 'environment' | 'repositories' | 'access-key-id';
  const asFile = (field: Field, value: string) => {
    const target: Record<string, unknown> =
      field === 'organization' || field === 'repositories'
        ? { organization: 'octo', visibility: 'selected' }
        : { repository: 'octo/app' };
    if (field === 'repositories') target[field] = [value];
    else if (field !== 'name') target[field] = value;
    return { users: [{ name: field === 'name' ? value : 'u', targets: [target] }] };
  };
  const checks: [Field, (value: string) => string | undefined, string[]][] = [
    [
      'name',
      iamUserProblem,
      ['ci-deploy', 'a+b=c,d.e@f_g', 'x'.repeat(64), 'x'.repeat(65), 'a b', 'é', ''],
    ],
    [
      'access-key-id',
      secretNameProblem,
      ['AWS_KEY', '_k', '1K', 'A-B', 'GITHUB_X', 'github_x', 'GITHUBX'],
    ],
    ['organization', ownerProblem, ['octo', 'o-1', '-o', 'o_o', 'x'.repeat(39), 'x'.repeat(40)]],
    ['repositories', repoNameProblem, ['app', 'a.b_c-d', '.', '..', '...', '.github', 'a b', '']],
    [
      'environment',
      environmentProblem,
      ['production', 'prod eu', 'a/b', 'a:b', '', 'x'.repeat(256)],
    ],
  ];

  // Editors judge names by the schema and the action by names.ts: they must agree.
  it.each(checks)('agrees with names.ts on %s', (field, check, values) => {
    for (const value of values) {
      expect([value, validate(asFile(field, value))]).toEqual([value, check(value) === undefined]);
    }
  });

  it('agrees with names.ts on owner/repo', () => {
    const values = ['octo/app', 'octo', 'a/b/c', '-o/app', 'octo/..', 'octo/a b', '/app', 'octo/'];
    for (const value of values) {
      const valid = !('problem' in parseRepository(value));
      expect([value, validate(asFile('repository', value))]).toEqual([value, valid]);
    }
  });
});

describe('accounts in the config file', () => {
  const accounts = [
    'accounts:',
    '  prod:',
    '    role-arn: arn:aws:iam::210987654321:role/key-rotation',
    '    external-id: rotation-7f3a',
    '  sandbox:',
    '    role-arn: arn:aws:iam::111122223333:role/tools/key-rotation',
  ];
  const user = (name: string, account?: string) => [
    `  - name: ${name}`,
    ...(account ? [`    account: ${account}`] : []),
    '    targets:',
    `      - repository: octo/${name}-${account ?? 'own'}`,
  ];

  it('maps accounts and the users in them', () => {
    const text = yaml(
      ...accounts,
      'users:',
      ...user('ci', 'prod'),
      ...user('ci'),
      ...user('ci', 'sandbox'),
    );
    const parsed = parseConfig(text, 'config.yml');
    expect(parsed.accounts).toEqual([
      {
        name: 'prod',
        roleArn: 'arn:aws:iam::210987654321:role/key-rotation',
        externalId: 'rotation-7f3a',
      },
      { name: 'sandbox', roleArn: 'arn:aws:iam::111122223333:role/tools/key-rotation' },
    ]);
    // The same user name in three accounts is three users.
    expect(parsed.users.map((u) => [u.account, u.name])).toEqual([
      ['prod', 'ci'],
      [undefined, 'ci'],
      ['sandbox', 'ci'],
    ]);
  });

  it('refuses an unknown account, a duplicate user within one account, and a bad role ARN', () => {
    const text = yaml(
      'accounts:',
      '  prod:',
      '    role-arn: arn:aws:iam::2109:role/x',
      'users:',
      ...user('ci', 'prod'),
      ...user('CI', 'prod'),
      ...user('app', 'staging'),
    );
    expect(problemsOf(text)).toEqual([
      'config.yml:3: accounts.prod.role-arn: A role ARN looks like arn:aws:iam::210987654321:role/key-rotation.',
      'config.yml:9: users[1].name: user "CI" in account "prod" is already listed at users[0]; list each user once, with all its targets',
      'config.yml:12: users[1].targets[0]: octo/CI-prod (Actions): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are also written by users[0].targets[0]; each secret can hold only one key',
      'config.yml:14: users[2].account: no account "staging" in `accounts`: known accounts are prod',
    ]);
  });

  it('lists every known account when a user names another', () => {
    const problems = problemsOf(yaml(...accounts, 'users:', ...user('ci', 'staging')));
    expect(problems).toContain(
      'config.yml:9: users[0].account: no account "staging" in `accounts`: known accounts are prod, sandbox',
    );
  });

  it('counts an account that is not a string as none when looking for duplicate users', () => {
    const problems = problemsOf(
      yaml(
        'users:',
        '  - name: ci',
        '    account: 7',
        '    targets:',
        '      - repository: octo/a',
        ...user('ci'),
      ),
    );
    expect(problems).toContain(
      'config.yml:6: users[1].name: user "ci" is already listed at users[0]; list each user once, with all its targets',
    );
  });

  it('says so when a user names an account and there are none', () => {
    expect(problemsOf(yaml('users:', ...user('ci', 'prod')))).toEqual([
      'config.yml:3: users[0].account: no account "prod" in `accounts`; there is no `accounts` section',
    ]);
  });
});
