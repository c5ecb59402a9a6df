/**
 * Config-file mode: several users, every target kind, organization visibility set and kept,
 * one user failing while the others rotate, and the exact API calls a rotation costs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOKEN, authenticatesAs, expectNoLeaks, startWorld, type World } from './support/world.js';

const CONFIG = `
users:
  - name: alice
    targets:
      - repository: octo/app
      - repository: octo/app
        environment: production
        access-key-id: PROD_AWS_ACCESS_KEY_ID
        secret-access-key: PROD_AWS_SECRET_ACCESS_KEY
      - organization: octo
        visibility: selected
        repositories: [app, infra]
  - name: bob
    targets:
      - repository: octo/app
        kind: dependabot
      - repository: octo/app
        kind: codespaces
      - organization: octo
        kind: dependabot
        access-key-id: BOB_ID
        secret-access-key: BOB_SECRET
  - name: carol
    targets:
      - organization: octo
        kind: codespaces
        visibility: private
      - organization: octo
        access-key-id: CAROL_ID
        secret-access-key: CAROL_SECRET
  - name: dave
    targets:
      - repository: octo/missing
  - name: erin
    targets:
      - repository: octo/infra
`;

let world: World;
let run: Awaited<ReturnType<World['run']>>;
let keysBefore: Record<string, { id: string; status: string }[]>;
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

beforeAll(async () => {
  world = await startWorld({
    users: [
      ...USERS.map((name) => ({ name, keys: [{ status: 'Active' as const, ageDays: 100 }] })),
    ],
    repositories: [
      { owner: 'octo', repo: 'app', id: 101, environments: ['production'] },
      { owner: 'octo', repo: 'infra', id: 102 },
    ],
    organizations: ['octo'],
  });
  // carol's second target has no visibility: the existing secrets keep theirs.
  for (const name of ['CAROL_ID', 'CAROL_SECRET']) {
    world.github.seedSecret(
      { org: 'octo', name },
      { value: 'old', visibility: 'selected', selectedRepositoryIds: [102] },
    );
  }
  for (const name of ['BOB_ID', 'BOB_SECRET']) {
    world.github.seedSecret(
      { org: 'octo', kind: 'dependabot', name },
      { value: 'old', visibility: 'all' },
    );
  }
  keysBefore = Object.fromEntries(
    await Promise.all(USERS.map(async (u) => [u, await world.keysOf(u)])),
  );
  run = await world.run(
    { 'github-token': TOKEN, config: 'rotation.yml', concurrency: '3' },
    { inputs: {}, files: { 'rotation.yml': CONFIG } },
  );
}, 180_000);

afterAll(async () => world?.stop());

const value = (ref: Record<string, string>) =>
  world.github.getSecret(ref as never)?.value as string;

describe('config file mode with every target kind', () => {
  it('fails the step because one user failed, after trying every user', () => {
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ rotated: '4', failed: '1' });
    expect(run.report.map((r) => [r.user, r.outcome])).toEqual([
      ['alice', 'rotated'],
      ['bob', 'rotated'],
      ['carol', 'rotated'],
      ['dave', 'failed'],
      ['erin', 'rotated'],
    ]);
    for (const user of USERS) expect(run.summary).toContain(`\`${user}\``);
  });

  it('leaves the failing user untouched, with a message naming the target', async () => {
    expect(await world.keysOf('dave')).toEqual(keysBefore.dave);
    expect(run.report[3]?.message).toMatch(
      /octo\/missing \(Actions\): not found \(404 while reading the public key\)/,
    );
  });

  it('writes a working key to every target kind', async () => {
    const cases: [string, Record<string, string>, Record<string, string>][] = [
      [
        'alice',
        { owner: 'octo', repo: 'app', name: 'AWS_ACCESS_KEY_ID' },
        { owner: 'octo', repo: 'app', name: 'AWS_SECRET_ACCESS_KEY' },
      ],
      [
        'alice',
        { owner: 'octo', repo: 'app', environment: 'production', name: 'PROD_AWS_ACCESS_KEY_ID' },
        {
          owner: 'octo',
          repo: 'app',
          environment: 'production',
          name: 'PROD_AWS_SECRET_ACCESS_KEY',
        },
      ],
      [
        'alice',
        { org: 'octo', name: 'AWS_ACCESS_KEY_ID' },
        { org: 'octo', name: 'AWS_SECRET_ACCESS_KEY' },
      ],
      [
        'bob',
        { owner: 'octo', repo: 'app', kind: 'dependabot', name: 'AWS_ACCESS_KEY_ID' },
        { owner: 'octo', repo: 'app', kind: 'dependabot', name: 'AWS_SECRET_ACCESS_KEY' },
      ],
      [
        'bob',
        { owner: 'octo', repo: 'app', kind: 'codespaces', name: 'AWS_ACCESS_KEY_ID' },
        { owner: 'octo', repo: 'app', kind: 'codespaces', name: 'AWS_SECRET_ACCESS_KEY' },
      ],
      [
        'bob',
        { org: 'octo', kind: 'dependabot', name: 'BOB_ID' },
        { org: 'octo', kind: 'dependabot', name: 'BOB_SECRET' },
      ],
      [
        'carol',
        { org: 'octo', kind: 'codespaces', name: 'AWS_ACCESS_KEY_ID' },
        { org: 'octo', kind: 'codespaces', name: 'AWS_SECRET_ACCESS_KEY' },
      ],
      ['carol', { org: 'octo', name: 'CAROL_ID' }, { org: 'octo', name: 'CAROL_SECRET' }],
      [
        'erin',
        { owner: 'octo', repo: 'infra', name: 'AWS_ACCESS_KEY_ID' },
        { owner: 'octo', repo: 'infra', name: 'AWS_SECRET_ACCESS_KEY' },
      ],
    ];
    for (const [user, idRef, secretRef] of cases) {
      const pair = { id: value(idRef), secret: value(secretRef) };
      expect(await authenticatesAs(world, pair)).toBe(`arn:aws:iam::123456789012:user/${user}`);
      expect((await world.keysOf(user)).find((k) => k.id === pair.id)?.status).toBe('Active');
    }
  });

  it('sets organization visibility from the file and keeps it where the file is silent', () => {
    expect(world.github.getSecret({ org: 'octo', name: 'AWS_ACCESS_KEY_ID' })).toMatchObject({
      visibility: 'selected',
      selectedRepositoryIds: [101, 102],
    });
    expect(
      world.github.getSecret({ org: 'octo', kind: 'codespaces', name: 'AWS_SECRET_ACCESS_KEY' }),
    ).toMatchObject({ visibility: 'private' });
    expect(world.github.getSecret({ org: 'octo', name: 'CAROL_ID' })).toMatchObject({
      visibility: 'selected',
      selectedRepositoryIds: [102],
    });
    expect(
      world.github.getSecret({ org: 'octo', kind: 'dependabot', name: 'BOB_SECRET' }),
    ).toMatchObject({ visibility: 'all' });
  });

  it('reads each scope public key exactly once for the whole run', () => {
    const reads = world.github.requests.filter((r: { path: string }) =>
      r.path.endsWith('/public-key'),
    );
    const perPath = new Map<string, number>();
    for (const r of reads) perPath.set(r.path, (perPath.get(r.path) ?? 0) + 1);
    // app actions, app env, org actions, app dependabot, app codespaces, org dependabot,
    // org codespaces, infra actions, missing (fails).
    expect(perPath.size).toBe(9);
    expect([...perPath.values()].every((n) => n === 1)).toBe(true);
  });

  it('makes exactly the minimal calls: one credential report; per user its keys and record; per rotated user the record read again, 3 record writes, 1 create, 1 verify, 2 writes per target', () => {
    const counts = world.proxy.countByAction();
    const rotated = 4;
    expect(counts).toEqual({
      GetCallerIdentity: 1 + rotated, // the run's own identity, then one verification per new key
      // Five users: one credential report rules out whoever is plainly fresh (none here).
      GenerateCredentialReport: 2,
      GetCredentialReport: 1,
      ListAccessKeys: USERS.length,
      // Every user's record, and once more right before a user's first change: another run
      // may have rotated it since.
      ListUserTags: USERS.length + rotated,
      CreateAccessKey: rotated,
      // creating, writing, switched; the old keys wait out the overlap window.
      TagUser: 3 * rotated,
    });
    const puts = world.github.requests.filter(
      (r: { method: string; path: string }) => r.method === 'PUT' && r.path.includes('/secrets/'),
    );
    expect(puts).toHaveLength(2 * 9);
  });

  it('leaks no secret and sends GitHub only valid requests', () => {
    expect(expectNoLeaks(world, run)).toEqual([]);
    expect(world.github.violations).toEqual([]);
  });
});
