import { beforeEach, describe, expect, it } from '@jest/globals';
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createAccountSessions,
  roleSessionName,
  type AccountSessionsOptions,
} from '../../../src/aws/account-sessions.js';
import type { Clock } from '../../../src/lib/clock.js';

const stsMock = mockClient(STSClient);
const sts = new STSClient({ region: 'us-east-1' });
const T0 = Date.parse('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;
const PROD = 'arn:aws:iam::111111111111:role/key-rotation';
const STAGING = 'arn:aws:iam::222222222222:role/ops/key-rotation';

function fakeClock(): Clock & { set(ms: number): void } {
  let now = T0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

/** STS answers with numbered fake credentials that last an hour from the clock's now. */
function answerWithCredentials(clock: Clock) {
  let issued = 0;
  stsMock.on(AssumeRoleCommand).callsFake(async (input: AssumeRoleCommandInput) => {
    issued += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIAFAKE${issued}`,
        SecretAccessKey: `fake-secret-${issued}`,
        SessionToken: `fake-token-${issued}`,
        Expiration: new Date(clock.now() + HOUR),
      },
      AssumedRoleUser: { Arn: `${input.RoleArn}/s`, AssumedRoleId: 'AROA:s' },
    };
  });
}

function sessions(clock: Clock, extra: Partial<AccountSessionsOptions> = {}) {
  return createAccountSessions({
    accounts: { prod: { roleArn: PROD, externalId: 'ext-1' }, staging: { roleArn: STAGING } },
    region: 'us-east-1',
    sessionName: 'key-rotation-7-1',
    sts,
    callerArn: 'arn:aws:iam::999999999999:user/rotator',
    clock,
    ...extra,
  });
}

const assumeCalls = () => stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);

beforeEach(() => {
  stsMock.reset();
});

describe('account sessions', () => {
  it('assumes each role when first asked, once, with the session name and external id', async () => {
    const clock = fakeClock();
    answerWithCredentials(clock);
    const accounts = sessions(clock);
    expect(assumeCalls()).toEqual([]);
    const [a, b] = await Promise.all([
      accounts.credentialsFor('prod'),
      accounts.credentialsFor('prod'),
    ]);
    await accounts.credentialsFor('prod');
    expect(a).toEqual({
      accessKeyId: 'ASIAFAKE1',
      secretAccessKey: 'fake-secret-1',
      sessionToken: 'fake-token-1',
      expiration: new Date(T0 + HOUR),
    });
    expect(b).toBe(a);
    expect(assumeCalls()).toEqual([
      { RoleArn: PROD, RoleSessionName: 'key-rotation-7-1', ExternalId: 'ext-1' },
    ]);
  });

  it('assumes the roles of two accounts at once', async () => {
    const clock = fakeClock();
    let inFlight = 0;
    let peak = 0;
    stsMock.on(AssumeRoleCommand).callsFake(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      return {
        Credentials: {
          AccessKeyId: 'ASIAFAKE',
          SecretAccessKey: 'fake',
          SessionToken: 'fake',
          Expiration: new Date(T0 + HOUR),
        },
      };
    });
    const accounts = sessions(clock);
    await Promise.all([accounts.credentialsFor('prod'), accounts.credentialsFor('staging')]);
    expect(peak).toBe(2);
    expect(assumeCalls().map((i) => i.RoleArn)).toEqual([PROD, STAGING]);
  });

  it('renews a session within 5 minutes of its expiry, once for concurrent callers', async () => {
    const clock = fakeClock();
    answerWithCredentials(clock);
    const accounts = sessions(clock);
    await accounts.credentialsFor('prod');
    clock.set(T0 + HOUR - 5 * 60_000 - 1);
    expect((await accounts.credentialsFor('prod')).accessKeyId).toBe('ASIAFAKE1');
    clock.set(T0 + HOUR - 5 * 60_000);
    const renewed = await Promise.all([
      accounts.credentialsFor('prod'),
      accounts.credentialsFor('prod'),
    ]);
    expect(renewed.map((c) => c.accessKeyId)).toEqual(['ASIAFAKE2', 'ASIAFAKE2']);
    expect(assumeCalls()).toHaveLength(2);
  });

  it('remembers a refusal for the run and explains it with the account, role and caller', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(
          new Error(
            `User: arn:aws:iam::999999999999:user/rotator is not authorized to perform: sts:AssumeRole on resource: ${PROD}`,
          ),
          { name: 'AccessDenied' },
        ),
      );
    const accounts = sessions(fakeClock());
    const first = await accounts.credentialsFor('prod').catch((e: Error) => e);
    const second = await accounts.credentialsFor('prod').catch((e: Error) => e);
    expect(first).toBeInstanceOf(Error);
    expect((first as Error).message).toBe(
      `cannot assume role ${PROD} for AWS account "prod": AWS denied it (User: ` +
        'arn:aws:iam::999999999999:user/rotator is not authorized to perform: sts:AssumeRole on ' +
        `resource: ${PROD}): the role's trust policy does not allow ` +
        'arn:aws:iam::999999999999:user/rotator, or the external id does not match, or the ' +
        'caller lacks sts:AssumeRole on the role (STS also answers so when no such role exists)',
    );
    expect((second as Error).message).toBe((first as Error).message);
    await expect(accounts.iamClientFor('prod')).rejects.toThrow((first as Error).message);
    expect(assumeCalls()).toHaveLength(1);
    expect((first as Error).message).not.toMatch(/ext-1/);
  });

  it('says "no such role" for an ARN that is not a role, without calling STS', async () => {
    const accounts = sessions(fakeClock(), {
      accounts: { dev: { roleArn: 'arn:aws:iam::333333333333:user/not-a-role' } },
    });
    await expect(accounts.credentialsFor('dev')).rejects.toThrow(
      'cannot assume role arn:aws:iam::333333333333:user/not-a-role for AWS account "dev": no such role',
    );
    expect(assumeCalls()).toHaveLength(0);
  });

  it('passes other STS messages on, and refuses an account nobody configured', async () => {
    stsMock.on(AssumeRoleCommand).rejects(
      Object.assign(new Error('STS is not activated in this region.'), {
        name: 'RegionDisabledException',
      }),
    );
    const accounts = sessions(fakeClock());
    await expect(accounts.credentialsFor('staging')).rejects.toThrow(
      `cannot assume role ${STAGING} for AWS account "staging": STS is not activated in this region`,
    );
    await expect(accounts.credentialsFor('nope')).rejects.toThrow(
      'no AWS account named "nope" is configured',
    );
  });

  it('gives one IAM client per account, signed by the assumed session', async () => {
    const clock = fakeClock();
    answerWithCredentials(clock);
    const accounts = sessions(clock);
    const iam = await accounts.iamClientFor('staging');
    expect(await accounts.iamClientFor('staging')).toBe(iam);
    const credentials = await iam.config.credentials();
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAFAKE1', sessionToken: 'fake-token-1' });
    expect(await iam.config.maxAttempts()).toBe(6);
    expect(assumeCalls()).toHaveLength(1);
  });

  it('reads account ids from the role ARNs', () => {
    const accounts = sessions(fakeClock());
    expect(accounts.accountIdOf('prod')).toBe('111111111111');
    expect(accounts.accountIdOf('staging')).toBe('222222222222');
    expect(accounts.accountIdOf('nope')).toBeUndefined();
    expect(accounts.accountIdOf('toString')).toBeUndefined();
  });
});

describe('roleSessionName', () => {
  it('names the run, its attempt and the repository', () => {
    expect(
      roleSessionName({
        GITHUB_RUN_ID: '987654321',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_REPOSITORY: 'octo/infra',
      }),
    ).toBe('key-rotation-987654321-2@octo.infra');
  });

  it('keeps to the characters and length STS allows, and the run id first', () => {
    const name = roleSessionName({
      GITHUB_RUN_ID: '987654321',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REPOSITORY: `octo/${'very-long-repository-name'.repeat(4)}`,
    });
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^key-rotation-987654321-1@octo\.very-long/);
    expect(roleSessionName({ GITHUB_RUN_ID: '1 2', GITHUB_REPOSITORY: 'o/r!' })).toBe(
      'key-rotation-1-2-1@o.r-',
    );
    expect(roleSessionName({})).toBe('key-rotation-local');
  });
});
