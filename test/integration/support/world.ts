/**
 * One test world: moto (behind the counting/fault proxy) and the GitHub stand-in, plus the
 * checks every integration case runs afterwards (invariants and the secret scan).
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { startAwsProxy } from '../../emulators/aws-proxy.mjs';
import { startGitHubStandIn } from '../../emulators/github-standin/index.mjs';
import { startMoto } from '../../emulators/moto/index.mjs';
import { findLeaks, localServersEnv, runAction } from '../../emulators/action-runner.mjs';

export const TOKEN = 'ghs_standinWriteToken0123456789';
export const FORBIDDEN_TOKEN = 'ghs_standinReadOnlyToken0123456';

export interface SeedUser {
  name: string;
  path?: string;
  keys: { status: 'Active' | 'Inactive'; ageDays: number; lastUsedDaysAgo?: number }[];
  inlinePolicies?: Record<string, unknown>;
}

export interface RepoSpec {
  owner: string;
  repo: string;
  id: number;
  environments?: string[];
}

export type World = Awaited<ReturnType<typeof startWorld>>;

/** Allows everything: the test's own admin client must work when moto enforces policies. */
const ADMIN_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export async function startWorld(options: {
  users: SeedUser[];
  repositories: RepoSpec[];
  organizations?: string[];
  /** Environment for moto, e.g. INITIAL_NO_AUTH_ACTION_COUNT=0 to enforce IAM policies. */
  motoEnv?: Record<string, string>;
}) {
  const admin = {
    name: 'rotation-admin',
    keys: [{ status: 'Active' as const, ageDays: 1 }],
    inlinePolicies: { admin: ADMIN_POLICY },
  };
  const moto = await startMoto({
    seed: { users: [admin, ...options.users] },
    env: options.motoEnv ?? {},
  });
  const proxy = await startAwsProxy({ target: moto.endpoint });
  const github = await startGitHubStandIn({
    tokens: { [TOKEN]: 'write', [FORBIDDEN_TOKEN]: 'forbidden' },
    repositories: options.repositories,
    organizations: options.organizations ?? [],
  });
  const adminKey = moto.state.users['rotation-admin']![0]!;
  const adminCredentials = {
    accessKeyId: adminKey.accessKeyId,
    secretAccessKey: adminKey.secretAccessKey,
  };
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: adminCredentials,
  });

  /** Environment of a runner step pointed at the local servers. */
  const actionEnv = (): Record<string, string> =>
    localServersEnv({ awsUrl: proxy.url, githubUrl: github.url, key: adminKey });

  async function keysOf(user: string) {
    const out = await iam.send(new ListAccessKeysCommand({ UserName: user }));
    return (out.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId!, status: k.Status! }));
  }

  /** Every secret value the world knows: seeded ones and whatever reached GitHub. */
  function secretValues(): string[] {
    const seeded = Object.values(moto.state.users as Record<string, { secretAccessKey: string }[]>)
      .flat()
      .map((k) => k.secretAccessKey);
    const written = github.listSecrets().map((s: { value: string }) => s.value);
    // The GitHub tokens must never show either.
    return [
      TOKEN,
      FORBIDDEN_TOKEN,
      ...seeded,
      ...written.filter((v: string) => !v.startsWith('AKIA')),
    ];
  }

  /** Runs the action once; `prepare` injects faults after the counters were reset. */
  async function run(
    inputs: Record<string, string>,
    extra: Parameters<typeof runAction>[0] = { inputs: {} },
    prepare?: () => void,
  ) {
    proxy.reset();
    github.reset();
    prepare?.();
    const result = await runAction({ ...extra, inputs, env: { ...actionEnv(), ...extra.env } });
    result.cleanup();
    return {
      ...result,
      report: JSON.parse(result.outputs.report ?? '[]') as Record<string, unknown>[],
    };
  }

  async function stop() {
    iam.destroy();
    await github.close();
    await proxy.close();
    await moto.stop();
  }

  return { moto, proxy, github, iam, keysOf, secretValues, run, stop, actionEnv };
}

/** The decrypted pair a target holds authenticates against the emulator as `user`. */
export async function authenticatesAs(
  world: World,
  pair: { id: string; secret: string },
): Promise<string | undefined> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: world.moto.endpoint,
    credentials: { accessKeyId: pair.id, secretAccessKey: pair.secret },
  });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  return identity.Arn;
}

/** No secret in stdout (but the runner's add-mask lines), stderr, summary or outputs. */
export function expectNoLeaks(world: World, run: Awaited<ReturnType<World['run']>>): string[] {
  return findLeaks(run, world.secretValues());
}

export interface SecretPairRef {
  owner?: string;
  repo?: string;
  org?: string;
  environment?: string;
  kind?: 'actions' | 'dependabot' | 'codespaces';
}

/**
 * The invariants of docs/design.md for one user: every target holds a key id that is active in IAM,
 * and the user has at most two keys. Returns the problems found (empty when they hold).
 */
export async function invariantProblems(
  world: World,
  user: string,
  refs: SecretPairRef[],
): Promise<string[]> {
  const keys = await world.keysOf(user);
  const problems: string[] = [];
  if (keys.length > 2) problems.push(`${user} has ${keys.length} keys`);
  for (const ref of refs) {
    const held = world.github.getSecret({ ...ref, name: 'AWS_ACCESS_KEY_ID' } as never)?.value as
      string | undefined;
    if (held === undefined) continue;
    const status = keys.find((k) => k.id === held)?.status;
    if (status !== 'Active')
      problems.push(`${JSON.stringify(ref)} holds ${held}, which is ${status ?? 'deleted'}`);
  }
  return problems;
}
