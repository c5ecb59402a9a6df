// The demo's world, shared by `npm run demo` and `npm run local`: moto seeded with four users
// (behind the counting proxy) and the GitHub stand-in with the repositories the config names.
import {
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { startAwsProxy } from '../test/emulators/aws-proxy.mjs';
import { startGitHubStandIn } from '../test/emulators/github-standin/index.mjs';
import { startMoto } from '../test/emulators/moto/index.mjs';
import { localServersEnv } from '../test/emulators/action-runner.mjs';

export const DEMO_TOKEN = 'ghs_demoToken000000000000000000000000';

export const DEMO_CONFIG = `# Three users; see examples/rotation-config.yml for every option.
users:
  - name: ci-deploy            # a 120-day-old key: rotated
    targets:
      - repository: octo/app
      - repository: octo/app
        environment: production
        access-key-id: PROD_AWS_ACCESS_KEY_ID
        secret-access-key: PROD_AWS_SECRET_ACCESS_KEY
      - organization: octo
        visibility: selected
        repositories: [app, infra]
  - name: reporting            # a 10-day-old key: left alone
    targets:
      - repository: octo/infra
  - name: data-sync            # a stale key plus an inactive one: room is made first
    targets:
      - repository: octo/infra
        kind: dependabot
  - name: legacy-etl           # two active keys and no record: it needs a person
    targets:
      - repository: octo/infra
        access-key-id: ETL_AWS_ACCESS_KEY_ID
        secret-access-key: ETL_AWS_SECRET_ACCESS_KEY
`;

/** Who is told, and where: the email (verified in moto's SES) and the tracking issue. */
export const DEMO_SENDER = 'rotation@example.com';
export const DEMO_NOTIFY = {
  'notify-email-to': 'ops@example.com',
  'notify-email-from': DEMO_SENDER,
  'notify-issue': 'true',
};

const DEMO_USERS = ['ci-deploy', 'reporting', 'data-sync', 'legacy-etl'];

const seed = {
  sesIdentities: [DEMO_SENDER],
  users: [
    { name: 'rotation-admin', keys: [{ status: 'Active', ageDays: 1 }] },
    { name: 'ci-deploy', keys: [{ status: 'Active', ageDays: 120, lastUsedDaysAgo: 1 }] },
    { name: 'reporting', keys: [{ status: 'Active', ageDays: 10 }] },
    {
      name: 'legacy-etl',
      keys: [
        { status: 'Active', ageDays: 200, lastUsedDaysAgo: 1 },
        { status: 'Active', ageDays: 150, lastUsedDaysAgo: 60 },
      ],
    },
    {
      name: 'data-sync',
      keys: [
        { status: 'Active', ageDays: 95, lastUsedDaysAgo: 2 },
        { status: 'Inactive', ageDays: 30, lastUsedDaysAgo: 3 },
      ],
    },
  ],
};

/** Starts the servers; `env` points a run at them with the admin user's key. */
export async function startDemoWorld() {
  const moto = await startMoto({ seed });
  const proxy = await startAwsProxy({ target: moto.endpoint });
  const github = await startGitHubStandIn({
    tokens: { [DEMO_TOKEN]: 'write' },
    repositories: [
      { owner: 'octo', repo: 'app', id: 101, environments: ['production'] },
      { owner: 'octo', repo: 'infra', id: 102 },
    ],
    organizations: ['octo'],
  });
  const admin = moto.state.users['rotation-admin'][0];
  const env = localServersEnv({ awsUrl: proxy.url, githubUrl: github.url, key: admin });
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
  });

  /**
   * `hours` pass for the demo users: their keys, rotation records (user tags) and secrets
   * all move back in time, and every old key goes unused since; nothing sleeps.
   */
  async function passTime(hours) {
    for (const user of DEMO_USERS) {
      const { AccessKeyMetadata = [] } = await iam.send(
        new ListAccessKeysCommand({ UserName: user }),
      );
      for (const key of AccessKeyMetadata) {
        await moto.backdateKey(key.AccessKeyId, hours * 60);
        await moto.setLastUsed(key.AccessKeyId, hours * 60);
      }
      const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: user }));
      const moved = Tags.filter((t) =>
        /^key-rotation:(started|stopped|restored|switched)$/.test(t.Key),
      )
        .filter((t) => t.Value !== '-')
        .map((t) => ({
          Key: t.Key,
          Value: new Date(Date.parse(t.Value) - hours * 3_600_000)
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z'),
        }));
      if (moved.length > 0) await iam.send(new TagUserCommand({ UserName: user, Tags: moved }));
    }
    github.backdate(hours * 60);
  }

  /** A person deactivates the key nothing uses any more (the second of legacy-etl). */
  async function deactivateUnusedKey() {
    const key = moto.state.users['legacy-etl'][1];
    await iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'legacy-etl',
        AccessKeyId: key.accessKeyId,
        Status: 'Inactive',
      }),
    );
    return key.accessKeyId;
  }

  async function stop() {
    iam.destroy();
    await github.close();
    await proxy.close();
    await moto.stop();
  }
  return {
    moto,
    proxy,
    github,
    env: { ...env, AWS_ENDPOINT_URL_SESV2: moto.endpoint },
    passTime,
    deactivateUnusedKey,
    stop,
  };
}
