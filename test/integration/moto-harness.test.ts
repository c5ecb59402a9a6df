/**
 * The moto harness itself, driven by the real AWS SDK v3 clients through the counting/fault
 * proxy: seeded users and back-dated keys, last use, IAM's two-key limit, STS
 * GetCallerIdentity, auth enforcement, injected faults, and the launcher's failure report.
 */
import {
  CreateAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorXml, startAwsProxy } from '../emulators/aws-proxy.mjs';
import { startMoto } from '../emulators/moto/index.mjs';

const DAY = 86_400_000;
const ACCOUNT = '210987654321';

type Moto = Awaited<ReturnType<typeof startMoto>>;
type Proxy = Awaited<ReturnType<typeof startAwsProxy>>;
type Key = { accessKeyId: string; secretAccessKey: string };

const keyPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['iam:ListAccessKeys'], Resource: '*' }],
};

function clients(endpoint: string, key: Key, maxAttempts = 3) {
  const config = {
    region: 'us-east-1',
    endpoint,
    maxAttempts,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  };
  return { iam: new IAMClient(config), sts: new STSClient(config) };
}

/** The rejection of `promise`, which must reject. */
async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );
  return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
}

describe('moto harness (seeded IAM and STS behind the proxy)', () => {
  let moto: Moto;
  let proxy: Proxy;
  let admin: Key;
  let deploy: [Key & { createDate: string; status: string }, Key & { status: string }];

  beforeAll(async () => {
    moto = await startMoto({
      seed: {
        accountId: ACCOUNT,
        users: [
          { name: 'admin', keys: [{ status: 'Active', ageDays: 1 }] },
          {
            name: 'ci-deploy',
            path: '/rotated/',
            keys: [
              { status: 'Active', ageDays: 120, lastUsedDaysAgo: 3 },
              { status: 'Inactive', ageDays: 200 },
            ],
          },
          { name: 'no-keys', keys: [] },
        ],
      },
    });
    proxy = await startAwsProxy({ target: moto.endpoint });
    admin = moto.state.users['admin']![0]!;
    const [active, inactive] = moto.state.users['ci-deploy']!;
    deploy = [active!, inactive!];
  });

  afterAll(async () => {
    await proxy?.close();
    await moto?.stop();
  });

  beforeEach(() => proxy.reset());

  test('state.json describes the seeded keys and the endpoint', () => {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(moto.state.endpoint).toBe(moto.endpoint);
    expect(deploy.map((k) => k.status)).toEqual(['Active', 'Inactive']);
    expect(deploy[0].accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(deploy[0].secretAccessKey).toHaveLength(40);
    expect(moto.state.users['no-keys']).toEqual([]);
  });

  test('a key back-dated 120 days lists with CreateDate about 120 days ago', async () => {
    const { iam } = clients(proxy.url, admin);
    const out = await iam.send(new ListAccessKeysCommand({ UserName: 'ci-deploy' }));
    const keys = out.AccessKeyMetadata ?? [];
    expect(keys.map((k) => [k.AccessKeyId, k.Status])).toEqual([
      [deploy[0].accessKeyId, 'Active'],
      [deploy[1].accessKeyId, 'Inactive'],
    ]);
    const ages = keys.map((k) => (Date.now() - k.CreateDate!.getTime()) / DAY);
    expect(ages[0]).toBeCloseTo(120, 3); // within about a minute and a half
    expect(ages[1]).toBeCloseTo(200, 3);
    expect(keys[0]!.CreateDate!.toISOString()).toBe(new Date(deploy[0].createDate).toISOString());
  });

  test('GetAccessKeyLastUsed shows the seeded last use, or none', async () => {
    const { iam } = clients(proxy.url, admin); // not the key asked about: signing marks use
    const used = await iam.send(
      new GetAccessKeyLastUsedCommand({ AccessKeyId: deploy[0].accessKeyId }),
    );
    expect(used.UserName).toBe('ci-deploy');
    const lastUsed = used.AccessKeyLastUsed!;
    expect((Date.now() - lastUsed.LastUsedDate!.getTime()) / DAY).toBeCloseTo(3, 3);
    expect(lastUsed).toMatchObject({ ServiceName: 'iam', Region: 'us-east-1' });

    const never = await iam.send(
      new GetAccessKeyLastUsedCommand({ AccessKeyId: deploy[1].accessKeyId }),
    );
    expect(never.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
  });

  test('moto marks a key used whenever it signs a request (AWS does so later)', async () => {
    const { iam } = clients(proxy.url, deploy[0]);
    const self = await iam.send(
      new GetAccessKeyLastUsedCommand({ AccessKeyId: deploy[0].accessKeyId }),
    );
    expect(Date.now() - self.AccessKeyLastUsed!.LastUsedDate!.getTime()).toBeLessThan(60_000);
  });

  test('CreateAccessKey on a user with two keys fails with LimitExceeded (409)', async () => {
    const { iam } = clients(proxy.url, admin, 1);
    expect(await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deploy' })))).toEqual({
      name: 'LimitExceededException',
      status: 409,
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
    });
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'ci-deploy' }));
    expect(listed.AccessKeyMetadata).toHaveLength(2);
  });

  test("GetCallerIdentity signed with a seeded key names that key's user", async () => {
    const { sts } = clients(proxy.url, deploy[0]);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/rotated/ci-deploy`);
    expect(identity.Account).toBe(ACCOUNT);
    // moto's UserId is random (AWS's starts with AIDA): compare Arn, never UserId.
    expect(identity.UserId).toEqual(expect.any(String));
    const other = await clients(proxy.url, admin).sts.send(new GetCallerIdentityCommand({}));
    expect(other.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/admin`);
  });

  test('the proxy records each call by action, service and signing key', async () => {
    const { iam, sts } = clients(proxy.url, admin);
    await iam.send(new ListAccessKeysCommand({ UserName: 'ci-deploy' }));
    await iam.send(new ListAccessKeysCommand({ UserName: 'admin' }));
    await sts.send(new GetCallerIdentityCommand({}));
    expect(proxy.countByAction()).toEqual({ ListAccessKeys: 2, GetCallerIdentity: 1 });
    expect(proxy.calls).toEqual([
      { action: 'ListAccessKeys', service: 'iam', accessKeyId: admin.accessKeyId, status: 200 },
      { action: 'ListAccessKeys', service: 'iam', accessKeyId: admin.accessKeyId, status: 200 },
      { action: 'GetCallerIdentity', service: 'sts', accessKeyId: admin.accessKeyId, status: 200 },
    ]);
  });

  test('an injected Throttling fault reaches the SDK and is not forwarded', async () => {
    proxy.injectFault({
      action: 'ListAccessKeys',
      skip: 1,
      response: { status: 400, body: awsErrorXml('Throttling', 'Rate exceeded') },
    });
    const { iam } = clients(proxy.url, admin, 1);
    const list = () => iam.send(new ListAccessKeysCommand({ UserName: 'admin' }));
    await list(); // skipped
    expect(await failure(list())).toEqual({
      name: 'Throttling',
      status: 400,
      message: 'Rate exceeded',
    });
    await list(); // used up
    expect(proxy.calls.map((c) => [c.status, c.fault ?? false])).toEqual([
      [200, false],
      [400, true],
      [200, false],
    ]);
  });

  test('the SDK retries an injected 503 by itself, and each try is recorded', async () => {
    proxy.injectFault({
      action: 'GetCallerIdentity',
      times: 2,
      response: {
        status: 503,
        body: awsErrorXml('ServiceUnavailable', 'try later', 'Receiver'),
      },
    });
    const { sts } = clients(proxy.url, deploy[0], 3);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toMatch(/:user\/rotated\/ci-deploy$/);
    expect(proxy.calls.map((c) => c.status)).toEqual([503, 503, 200]);
  });

  test('drop and delay faults', async () => {
    const { iam } = clients(proxy.url, admin, 1);
    proxy.injectFault({ action: 'ListAccessKeys', response: 'drop' });
    const dropped = await failure(iam.send(new ListAccessKeysCommand({ UserName: 'admin' })));
    expect(dropped.status).toBeUndefined();

    proxy.injectFault({ action: 'ListAccessKeys', response: { delayMs: 300 } });
    const started = Date.now();
    const out = await iam.send(new ListAccessKeysCommand({ UserName: 'admin' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(out.AccessKeyMetadata).toHaveLength(1);
    expect(proxy.calls).toMatchObject([
      { action: 'ListAccessKeys', status: 0, fault: true },
      { action: 'ListAccessKeys', status: 200, fault: true },
    ]);
    expect(() => proxy.injectFault({ action: 'X', response: {} as never })).toThrow(TypeError);
  });

  test('backdateKey moves a key back in time', async () => {
    const { iam } = clients(proxy.url, admin);
    const createdOf = async () =>
      (await iam.send(new ListAccessKeysCommand({ UserName: 'admin' }))).AccessKeyMetadata![0]!
        .CreateDate!;
    const before = await createdOf();
    await moto.backdateKey(admin.accessKeyId, 90);
    expect(before.getTime() - (await createdOf()).getTime()).toBe(90 * 60_000);
    await expect(moto.backdateKey('FAKE-NO-SUCH-KEY', 1)).rejects.toThrow(/no key/);
  });
});

describe('moto with auth enforced (INITIAL_NO_AUTH_ACTION_COUNT=0)', () => {
  let moto: Moto;
  let proxy: Proxy;

  beforeAll(async () => {
    moto = await startMoto({
      env: { INITIAL_NO_AUTH_ACTION_COUNT: '0' },
      seed: {
        users: [
          {
            name: 'lister',
            keys: [{ status: 'Active', ageDays: 1 }],
            inlinePolicies: { 'list-keys': keyPolicy },
          },
          { name: 'nobody', keys: [{ status: 'Active', ageDays: 1 }] },
        ],
      },
    });
    proxy = await startAwsProxy({ target: moto.endpoint });
  });

  afterAll(async () => {
    await proxy?.close();
    await moto?.stop();
  });

  test("a request is allowed or denied by the signing user's inline policy", async () => {
    const lister = moto.state.users['lister']![0]!;
    const nobody = moto.state.users['nobody']![0]!;
    const allowed = await clients(proxy.url, lister).iam.send(
      new ListAccessKeysCommand({ UserName: 'nobody' }),
    );
    expect(allowed.AccessKeyMetadata).toHaveLength(1);

    const denied = await failure(
      clients(proxy.url, nobody, 1).iam.send(new ListAccessKeysCommand({ UserName: 'lister' })),
    );
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toMatch(/user\/nobody is not authorized to perform: iam:ListAccessKeys/);

    const notPermitted = await failure(
      clients(proxy.url, lister, 1).iam.send(new CreateAccessKeyCommand({ UserName: 'lister' })),
    );
    expect(notPermitted).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  test('signatures are checked: a wrong secret or an unknown key is refused', async () => {
    const lister = moto.state.users['lister']![0]!;
    const wrongSecret = { accessKeyId: lister.accessKeyId, secretAccessKey: 'x'.repeat(40) };
    expect(
      await failure(clients(proxy.url, wrongSecret, 1).sts.send(new GetCallerIdentityCommand({}))),
    ).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    const unknown = { accessKeyId: 'FAKE-UNKNOWN-KEY-ID', secretAccessKey: 'x'.repeat(40) };
    expect(
      await failure(clients(proxy.url, unknown, 1).sts.send(new GetCallerIdentityCommand({}))),
    ).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    // GetCallerIdentity needs no permission, as in AWS.
    const nobody = moto.state.users['nobody']![0]!;
    const identity = await clients(proxy.url, nobody).sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:iam::123456789012:user/nobody');
  });
});

describe('startMoto failures and stop()', () => {
  test('a seed moto refuses fails fast with the launcher stderr in the error', async () => {
    const three = Array.from({ length: 3 }, () => ({ status: 'Active', ageDays: 1 }));
    const started = Date.now();
    await expect(startMoto({ seed: { users: [{ name: 'greedy', keys: three }] } })).rejects.toThrow(
      /moto exited \(1\) before serving:[\s\S]*Cannot exceed quota for AccessKeysPerUser/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('stop() ends the server', async () => {
    const moto = await startMoto({ seed: { users: [] } });
    const answered = await fetch(moto.endpoint);
    expect(answered.status).toBe(200);
    await moto.stop();
    await moto.stop(); // twice is fine
    await expect(fetch(moto.endpoint)).rejects.toThrow();
  });
});
