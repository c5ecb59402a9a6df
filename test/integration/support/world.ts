/**
 * One test world: moto (behind the counting/fault proxy) and the GitHub stand-in, plus the
 * checks every integration case runs afterwards (invariants and the secret scan).
 */
import { existsSync, readFileSync } from 'node:fs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
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

export interface SeedRole {
  name: string;
  path?: string;
  trustPolicy: Record<string, unknown>;
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

/** moto checks every signature and every IAM policy, as AWS does. */
const ENFORCE_AUTH = { INITIAL_NO_AUTH_ACTION_COUNT: '0' };

export async function startWorld(options: {
  users: SeedUser[];
  repositories: RepoSpec[];
  organizations?: string[];
  /** Environment for moto; signatures and policies are enforced unless this says otherwise. */
  motoEnv?: Record<string, string>;
  /** Further AWS accounts in the same moto (users and roles), and verified SES senders. */
  accounts?: { accountId: string; users?: SeedUser[]; roles?: SeedRole[] }[];
  sesIdentities?: string[];
  /** Tokens beyond the two every world has: token -> access ('write', 'secrets-only', ...). */
  tokens?: Record<string, string>;
}) {
  const admin = {
    name: 'rotation-admin',
    keys: [{ status: 'Active' as const, ageDays: 1 }],
    inlinePolicies: { admin: ADMIN_POLICY },
  };
  const moto = await startMoto({
    seed: {
      users: [admin, ...options.users],
      accounts: options.accounts ?? [],
      sesIdentities: options.sesIdentities ?? [],
    },
    env: { ...ENFORCE_AUTH, ...options.motoEnv },
  });
  const proxy = await startAwsProxy({ target: moto.endpoint });
  const github = await startGitHubStandIn({
    tokens: { [TOKEN]: 'write', [FORBIDDEN_TOKEN]: 'forbidden', ...options.tokens },
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
    // The full report is a file in the step's temporary folder: read it before it goes.
    const file = result.outputs['report-file'];
    const reportFile = file && existsSync(file) ? readFileSync(file, 'utf8') : '[]';
    result.cleanup();
    return {
      ...result,
      reportFile,
      report: JSON.parse(reportFile) as Record<string, unknown>[],
      compactReport: JSON.parse(result.outputs.report ?? '[]') as Record<string, unknown>[],
    };
  }

  /** The pair a target holds, decrypted by the stand-in. */
  function pairOf(ref: SecretPairRef): { id: string; secret: string } | undefined {
    const value = (name: string) =>
      world.github.getSecret({ ...ref, name } as never)?.value as string | undefined;
    const id = value(ref.idName ?? 'AWS_ACCESS_KEY_ID');
    const secret = value(ref.secretName ?? 'AWS_SECRET_ACCESS_KEY');
    return id === undefined || secret === undefined ? undefined : { id, secret };
  }

  /**
   * Time passes for the rotation record: its timestamps move back by `hours`, as if the
   * rotation had happened that much earlier (the record lives in the user's tags).
   */
  async function ageRecord(user: string, hours: number) {
    const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: user }));
    const shifted = Tags.filter((t) =>
      /^key-rotation:(started|stopped|restored|switched)$/.test(t.Key!),
    )
      .filter((t) => t.Value !== '-')
      .map((t) => {
        const earlier = new Date(new Date(t.Value!).getTime() - hours * 3_600_000);
        return { Key: t.Key!, Value: earlier.toISOString().replace(/\.\d{3}Z$/, 'Z') };
      });
    if (shifted.length > 0) await iam.send(new TagUserCommand({ UserName: user, Tags: shifted }));
  }

  /**
   * `hours` pass for these users, as far as the action can see: their keys' creation dates,
   * their rotation records and every secret's updated_at move back (moto and the stand-in).
   */
  async function passTime(hours: number, users: readonly string[]) {
    for (const user of users) {
      for (const key of await keysOf(user)) await moto.backdateKey(key.id, hours * 60);
      await ageRecord(user, hours);
    }
    // The credential report, if there is one, was made as much earlier.
    await moto.ageCredentialReport(hours * 60).catch(() => undefined);
    github.backdate(hours * 60);
  }

  /** How many calls of `action` for `user` moto has answered with success (kill points). */
  function answered(action: string, user: string): number {
    return proxy.calls.filter(
      (c: { action: string; user?: string; status: number }) =>
        c.action === action && c.user === user && c.status === 200,
    ).length;
  }

  /** Whether GitHub has stored the secret `name` of repository `octo/<repo>` (kill points). */
  function secretWritten(repo: string, name: string): boolean {
    return github.requests.some(
      (r: { method: string; path: string; status: number }) =>
        r.method === 'PUT' &&
        r.path.endsWith(`/${repo}/actions/secrets/${name}`) &&
        r.status >= 200 &&
        r.status < 300,
    );
  }

  async function recordOf(user: string): Promise<Record<string, string>> {
    const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: user }));
    return Object.fromEntries(Tags.map((t) => [t.Key!, t.Value!]));
  }

  const world = { moto, proxy, github, iam, keysOf, secretValues, run, stop, actionEnv };

  async function stop() {
    iam.destroy();
    await github.close();
    await proxy.close();
    await moto.stop();
  }

  return { ...world, pairOf, ageRecord, passTime, recordOf, answered, secretWritten };
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
  /** The secret names, when not AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
  idName?: string;
  secretName?: string;
}

/**
 * The invariants of docs/design.md for one user: every target holds a key id that is active in
 * IAM and a pair that signs in (moto checks the signature), and the user has at most two keys.
 * Returns the problems found (empty when they hold).
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
    const pair = world.pairOf(ref);
    if (pair === undefined) continue;
    const status = keys.find((k) => k.id === pair.id)?.status;
    if (status !== 'Active') {
      problems.push(`${JSON.stringify(ref)} holds ${pair.id}, which is ${status ?? 'deleted'}`);
      continue;
    }
    const arn = await authenticatesAs(world, pair).catch((error: Error) => error.name);
    // IAM user names may hold regular-expression characters (+ = , . @ _ -).
    const signedAs = /:user\/(?:.*\/)?([^/]+)$/.exec(arn ?? '')?.[1];
    if (signedAs !== user)
      problems.push(`${JSON.stringify(ref)} holds a pair that does not sign in (${arn})`);
  }
  return problems;
}
