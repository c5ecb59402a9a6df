/**
 * Credentials for other AWS accounts: each account's role is assumed with the action's own
 * credentials when first needed, once per run, and again shortly before the session expires.
 * A failure is kept for the run, so every user of that account fails with the same message.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { systemClock, type Clock } from '../lib/clock.js';
import { messageOf } from '../model/errors.js';
import { iamRetries } from './aws-clients.js';

export interface AccountRole {
  readonly roleArn: string;
  readonly externalId?: string;
}

/** Temporary credentials; the same shape as the SDK's AwsCredentialIdentity. */
export interface AssumedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface AccountSessionsOptions {
  /** Account names (as the config file spells them) and the role to assume in each. */
  readonly accounts: Readonly<Record<string, AccountRole>>;
  readonly region: string;
  /** From roleSessionName: CloudTrail shows it with every call made in the account. */
  readonly sessionName: string;
  /** Signed by the action's own credentials (default chain). */
  readonly sts: STSClient;
  /** Who assumes the roles (identifyCaller), named when a trust policy refuses it. */
  readonly callerArn?: string;
  readonly clock?: Clock;
}

export interface AccountSessions {
  credentialsFor(account: string): Promise<AssumedCredentials>;
  /** An IAM client for the account that renews its session by itself; one per account. */
  iamClientFor(account: string): Promise<IAMClient>;
  /** The account id in the role's ARN, or undefined when there is none. */
  accountIdOf(account: string): string | undefined;
}

// The SDK renews credentials 5 minutes before they expire; so do we.
const RENEW_BEFORE_MS = 5 * 60_000;
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

export function createAccountSessions(options: AccountSessionsOptions): AccountSessions {
  const clock = options.clock ?? systemClock;
  const sessions = new Map<string, Promise<AssumedCredentials>>();
  const clients = new Map<string, IAMClient>();

  const assume = (account: string): Promise<AssumedCredentials> => {
    const pending = assumeRole(options, account, roleOf(options.accounts, account));
    sessions.set(account, pending);
    return pending;
  };

  const credentialsFor = async (account: string): Promise<AssumedCredentials> => {
    const current = sessions.get(account);
    if (!current) return assume(account);
    const credentials = await current; // a failure stays the account's answer for the run
    if (credentials.expiration.getTime() - clock.now() > RENEW_BEFORE_MS) return credentials;
    // Concurrent callers share one renewal.
    return sessions.get(account) === current ? assume(account) : credentialsFor(account);
  };

  return {
    credentialsFor,
    async iamClientFor(account) {
      await credentialsFor(account);
      let client = clients.get(account);
      if (!client) {
        // As createIamClient (aws-clients.ts), signed by the account's session.
        client = new IAMClient({
          region: options.region,
          ...iamRetries(),
          credentials: () => credentialsFor(account),
        });
        clients.set(account, client);
      }
      return client;
    },
    accountIdOf: (account) => {
      const role = Object.hasOwn(options.accounts, account) ? options.accounts[account] : undefined;
      return role ? ROLE_ARN.exec(role.roleArn)?.[1] : undefined;
    },
  };
}

function roleOf(accounts: Readonly<Record<string, AccountRole>>, account: string): AccountRole {
  const role = Object.hasOwn(accounts, account) ? accounts[account] : undefined;
  if (!role) throw new Error(`no AWS account named "${account}" is configured`);
  return role;
}

async function assumeRole(
  options: AccountSessionsOptions,
  account: string,
  role: AccountRole,
): Promise<AssumedCredentials> {
  const failed = (why: string) =>
    new Error(`cannot assume role ${role.roleArn} for AWS account "${account}": ${why}`);
  if (!ROLE_ARN.test(role.roleArn)) {
    throw failed('no such role (not an IAM role ARN like arn:aws:iam::123456789012:role/name)');
  }
  let out;
  try {
    out = await options.sts.send(
      new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: options.sessionName,
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
      }),
    );
  } catch (error) {
    throw failed(assumeRoleAdvice(error, options.callerArn));
  }
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw failed('STS returned no credentials');
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

function assumeRoleAdvice(error: unknown, callerArn: string | undefined): string {
  const said = messageOf(error).replace(/\.$/, '');
  const name = error instanceof Error ? error.name : '';
  if (/^AccessDenied/.test(name)) {
    const caller = callerArn ?? "the action's credentials";
    return (
      `AWS denied it (${said}): the role's trust policy does not allow ${caller}, or the ` +
      'external id does not match, or the caller lacks sts:AssumeRole on the role ' +
      '(STS also answers so when no such role exists)'
    );
  }
  if (/^NoSuchEntity/.test(name) || (/^ValidationError/.test(name) && /roleArn/i.test(said))) {
    return `no such role (${said})`;
  }
  return said;
}

/**
 * The role session name for this workflow run, e.g. key-rotation-123456-1@octo.infra, kept to
 * the characters STS allows ([\w+=,.@-]) and its 64-character limit; the run id survives.
 */
export function roleSessionName(env: Readonly<Record<string, string | undefined>>): string {
  const run = env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT || '1'}` : 'local';
  const repository = env.GITHUB_REPOSITORY?.replace('/', '.');
  const name = `key-rotation-${run}${repository ? `@${repository}` : ''}`;
  return name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
