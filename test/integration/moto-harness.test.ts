/**
 * The moto harness itself, driven by the real AWS SDK v3 clients (through the counting/fault
 * proxy where it matters): seeded users and back-dated keys, last use, IAM's two-key limit,
 * STS GetCallerIdentity, auth enforcement, injected faults, credential reports, several
 * accounts and AssumeRole between them, SES v2 SendEmail, user tags, and the launcher's
 * failure report. test/emulators/moto/launcher.py says what moto does and what is patched.
 */
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorXml, startAwsProxy } from '../emulators/aws-proxy.mjs';
import { startMoto } from '../emulators/moto/index.mjs';
import { gate, waitFor } from './support/gate.js';

const DAY = 86_400_000;
const ACCOUNT = '210987654321';

type Moto = Awaited<ReturnType<typeof startMoto>>;
type Proxy = Awaited<ReturnType<typeof startAwsProxy>>;
type Key = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const keyPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['iam:ListAccessKeys'], Resource: '*' }],
};

function clients(endpoint: string, key: Key, maxAttempts = 3, region = 'us-east-1') {
  const { accessKeyId, secretAccessKey, sessionToken } = key;
  const config = {
    region,
    endpoint,
    maxAttempts,
    credentials: { accessKeyId, secretAccessKey, sessionToken },
  };
  return { iam: new IAMClient(config), sts: new STSClient(config), ses: new SESv2Client(config) };
}

/** A policy document allowing `actions` on `resources`. */
function allow(actions: string[], resources: string[] = ['*']) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }],
  };
}

/** A trust policy letting `principal` assume the role, under `condition` if given. */
function trust(principal: unknown, condition?: Record<string, unknown>) {
  const statement = { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' };
  return {
    Version: '2012-10-17',
    Statement: [condition ? { ...statement, Condition: condition } : statement],
  };
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

  test('the proxy records each call by action, service, signing key and user', async () => {
    const { iam, sts } = clients(proxy.url, admin);
    await iam.send(new ListAccessKeysCommand({ UserName: 'ci-deploy' }));
    await iam.send(new ListAccessKeysCommand({ UserName: 'admin' }));
    await sts.send(new GetCallerIdentityCommand({}));
    expect(proxy.countByAction()).toEqual({ ListAccessKeys: 2, GetCallerIdentity: 1 });
    expect(proxy.calls).toEqual([
      {
        action: 'ListAccessKeys',
        service: 'iam',
        accessKeyId: admin.accessKeyId,
        status: 200,
        user: 'ci-deploy',
      },
      {
        action: 'ListAccessKeys',
        service: 'iam',
        accessKeyId: admin.accessKeyId,
        status: 200,
        user: 'admin',
      },
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

  test('a hold fault forwards only once the test opens it', async () => {
    const { iam } = clients(proxy.url, admin, 1);
    const { until, open } = gate();
    proxy.injectFault({ action: 'ListAccessKeys', response: { until } });
    let answered = false;
    const held = iam.send(new ListAccessKeysCommand({ UserName: 'admin' })).then((out) => {
      answered = true;
      return out;
    });
    await waitFor(() => proxy.calls.some((c) => c.fault));
    expect(answered).toBe(false);
    open();
    expect((await held).AccessKeyMetadata).toHaveLength(1);
    expect(proxy.calls).toMatchObject([{ action: 'ListAccessKeys', status: 200, fault: true }]);
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

  test('setLastUsed sets or clears what GetAccessKeyLastUsed shows', async () => {
    const { iam } = clients(proxy.url, admin); // not the key asked about: signing marks use
    const lastUse = async () =>
      (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: deploy[1].accessKeyId })))
        .AccessKeyLastUsed!;
    await moto.setLastUsed(deploy[1].accessKeyId, 90, { service: 's3', region: 'eu-west-1' });
    const used = await lastUse();
    expect(used).toMatchObject({ ServiceName: 's3', Region: 'eu-west-1' });
    expect((Date.now() - used.LastUsedDate!.getTime()) / 60_000).toBeCloseTo(90, 0);
    await moto.setLastUsed(deploy[1].accessKeyId, 5);
    expect(await lastUse()).toMatchObject({ ServiceName: 'iam', Region: 'us-east-1' });
    await moto.setLastUsed(deploy[1].accessKeyId, null);
    expect(await lastUse()).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
    await expect(moto.setLastUsed('FAKE-NO-SUCH-KEY', 1)).rejects.toThrow(/no key/);
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

const REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  ...[1, 2].flatMap((n) => [
    `access_key_${n}_active`,
    `access_key_${n}_last_rotated`,
    `access_key_${n}_last_used_date`,
    `access_key_${n}_last_used_region`,
    `access_key_${n}_last_used_service`,
  ]),
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
];

/** A credential report's CSV as rows keyed by column (no field here holds a comma). */
async function credentialReport(iam: IAMClient) {
  const out = await iam.send(new GetCredentialReportCommand({}));
  const content = new TextDecoder().decode(out.Content);
  const [header, ...lines] = content.trimEnd().split('\n');
  const columns = header!.split(',');
  const rows = lines.map((line) =>
    Object.fromEntries(line.split(',').map((value, i) => [columns[i]!, value])),
  );
  const byUser = Object.fromEntries(rows.map((row) => [row['user']!, row]));
  return {
    content,
    columns,
    rows,
    byUser,
    generated: out.GeneratedTime!,
    format: out.ReportFormat,
  };
}

/** `2026-08-01T07:38:24Z` as the credential report writes it: `2026-08-01T07:38:24+00:00`. */
const reportDate = (iso: string | Date) =>
  new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00');

describe('credential reports (AWS semantics, patched into moto)', () => {
  let moto: Moto;
  let iam: IAMClient;
  let deploy: { accessKeyId: string; createDate: string }[];
  const generate = async () => (await iam.send(new GenerateCredentialReportCommand({}))).State;

  beforeAll(async () => {
    moto = await startMoto({
      seed: {
        users: [
          { name: 'auditor', keys: [{ status: 'Active', ageDays: 1 }] },
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
        accounts: [
          {
            accountId: ACCOUNT,
            users: [{ name: 'remote-auditor', keys: [{ status: 'Active', ageDays: 1 }] }],
          },
        ],
      },
    });
    iam = clients(moto.endpoint, moto.state.users['auditor']![0]!, 1).iam;
    deploy = moto.state.users['ci-deploy']!;
  });

  afterAll(() => moto?.stop());

  test('before any GenerateCredentialReport, GetCredentialReport fails: ReportNotPresent', async () => {
    expect(await failure(iam.send(new GetCredentialReportCommand({})))).toMatchObject({
      name: 'CredentialReportNotPresentException',
      status: 410,
    });
  });

  test('the first Generate answers STARTED, the next COMPLETE; the CSV is AWS-shaped', async () => {
    await moto.setLastUsed(deploy[0]!.accessKeyId, 3 * 24 * 60, {
      service: 'sts',
      region: 'eu-west-1',
    });
    expect(await generate()).toBe('STARTED');
    expect(await generate()).toBe('COMPLETE');
    const report = await credentialReport(iam);
    expect(report.format).toBe('text/csv');
    expect(Math.abs(Date.now() - report.generated.getTime())).toBeLessThan(60_000);
    expect(report.columns).toEqual(REPORT_COLUMNS);
    expect(report.rows.map((r) => r['user'])).toEqual([
      '<root_account>',
      'auditor',
      'ci-deploy',
      'no-keys',
    ]);
    expect(report.rows[0]).toMatchObject({
      arn: 'arn:aws:iam::123456789012:root',
      password_enabled: 'not_supported',
      password_last_changed: 'not_supported',
      password_next_rotation: 'not_supported',
      access_key_1_active: 'false',
      access_key_1_last_rotated: 'N/A',
    });
    const threeDaysAgo = reportDate(new Date(Date.now() - 3 * DAY)).slice(0, 16); // minutes
    expect(report.byUser['ci-deploy']).toEqual({
      user: 'ci-deploy',
      arn: 'arn:aws:iam::123456789012:user/rotated/ci-deploy',
      user_creation_time: reportDate(deploy[1]!.createDate), // no younger than its keys
      password_enabled: 'false',
      password_last_used: 'N/A',
      password_last_changed: 'N/A',
      password_next_rotation: 'N/A',
      mfa_active: 'false',
      access_key_1_active: 'true',
      access_key_1_last_rotated: reportDate(deploy[0]!.createDate),
      access_key_1_last_used_date: expect.stringMatching(new RegExp(`^${threeDaysAgo}`)),
      access_key_1_last_used_region: 'eu-west-1',
      access_key_1_last_used_service: 'sts',
      access_key_2_active: 'false',
      access_key_2_last_rotated: reportDate(deploy[1]!.createDate),
      access_key_2_last_used_date: 'N/A',
      access_key_2_last_used_region: 'N/A',
      access_key_2_last_used_service: 'N/A',
      cert_1_active: 'false',
      cert_1_last_rotated: 'N/A',
      cert_2_active: 'false',
      cert_2_last_rotated: 'N/A',
    });
    expect(report.byUser['no-keys']).toMatchObject({
      access_key_1_active: 'false',
      access_key_1_last_rotated: 'N/A',
      access_key_1_last_used_date: 'N/A',
      access_key_2_active: 'false',
    });
    // The signing key was used by this very request's predecessors, in us-east-1 for IAM.
    expect(report.byUser['auditor']).toMatchObject({
      access_key_1_last_used_region: 'us-east-1',
      access_key_1_last_used_service: 'iam',
    });
    for (const row of report.rows) {
      for (const column of REPORT_COLUMNS.filter((c) => /time|rotated|date|changed/.test(c))) {
        expect(row[column]).toMatch(
          /^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00|N\/A|not_supported|no_information)$/,
        );
      }
    }
  });

  test('the report is a snapshot, kept until it is older than 4 hours', async () => {
    const first = await credentialReport(iam);
    await iam.send(new CreateAccessKeyCommand({ UserName: 'no-keys' }));
    expect(await generate()).toBe('COMPLETE');
    const same = await credentialReport(iam);
    expect(same.content).toBe(first.content);
    expect(same.generated).toEqual(first.generated);

    await moto.ageCredentialReport(239);
    expect(await generate()).toBe('COMPLETE'); // 3 h 59 min old: still fresh
    const aged = await credentialReport(iam);
    expect(first.generated.getTime() - aged.generated.getTime()).toBe(239 * 60_000);
    // Time passed for the report's keys too: every date in it moved back as far.
    const created = (r: typeof first) => Date.parse(r.byUser['no-keys']!['user_creation_time']!);
    expect(created(first) - created(aged)).toBe(239 * 60_000);
    expect(aged.content.replace(/\d{4}-[\d-]+T[\d:]+\+00:00/g, 'D')).toBe(
      first.content.replace(/\d{4}-[\d-]+T[\d:]+\+00:00/g, 'D'),
    );

    await moto.ageCredentialReport(2);
    expect(await generate()).toBe('STARTED'); // 4 h 1 min old: a new snapshot
    const fresh = await credentialReport(iam);
    expect(Math.abs(Date.now() - fresh.generated.getTime())).toBeLessThan(60_000);
    expect(fresh.byUser['no-keys']).toMatchObject({ access_key_1_active: 'true' });
  });

  test('each account has its own report; ageing a missing one rejects', async () => {
    const remote = clients(
      moto.endpoint,
      moto.state.accounts[ACCOUNT]!.users['remote-auditor']![0]!,
      1,
    );
    expect(await failure(remote.iam.send(new GetCredentialReportCommand({})))).toMatchObject({
      name: 'CredentialReportNotPresentException',
      status: 410,
    });
    await expect(moto.ageCredentialReport(5, ACCOUNT)).rejects.toThrow(/no credential report/);
    expect(await remote.iam.send(new GenerateCredentialReportCommand({}))).toMatchObject({
      State: 'STARTED',
    });
    const report = await credentialReport(remote.iam);
    expect(report.rows.map((r) => r['arn'])).toEqual([
      `arn:aws:iam::${ACCOUNT}:root`,
      `arn:aws:iam::${ACCOUNT}:user/remote-auditor`,
    ]);
  });
});

const ROLE = `arn:aws:iam::${ACCOUNT}:role/key-rotation`;
const EXTERNAL_ID = 'rotation-7f3a';

/** Temporary credentials from AssumeRole, as a Key. */
async function assume(endpoint: string, key: Key, roleArn: string, externalId?: string) {
  const out = await clients(endpoint, key, 1).sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: 'rotation',
      ExternalId: externalId,
    }),
  );
  const c = out.Credentials!;
  return {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  };
}

describe('several AWS accounts in one moto', () => {
  let moto: Moto;
  let admin: Key;

  beforeAll(async () => {
    moto = await startMoto({
      seed: {
        users: [{ name: 'admin', keys: [{ status: 'Active', ageDays: 1 }] }],
        accounts: [
          {
            accountId: ACCOUNT,
            users: [
              { name: 'remote', path: '/rotated/', keys: [{ status: 'Active', ageDays: 30 }] },
            ],
            roles: [{ name: 'key-rotation', trustPolicy: trust({ AWS: '123456789012' }) }],
          },
        ],
      },
    });
    admin = moto.state.users['admin']![0]!;
  });

  afterAll(() => moto?.stop());

  test('state.json lists each account apart; seeded keys act in their own account', async () => {
    expect(moto.state.accountId).toBe('123456789012');
    expect(Object.keys(moto.state.users)).toEqual(['admin']);
    expect(moto.state.accounts[ACCOUNT]!.roles).toEqual({ 'key-rotation': ROLE });
    const remote = moto.state.accounts[ACCOUNT]!.users['remote']![0]!;
    const identity = await clients(moto.endpoint, remote).sts.send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity).toMatchObject({
      Account: ACCOUNT,
      Arn: `arn:aws:iam::${ACCOUNT}:user/rotated/remote`,
    });
    // The user exists only there.
    expect(
      await failure(
        clients(moto.endpoint, admin, 1).iam.send(
          new ListAccessKeysCommand({ UserName: 'remote' }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });

  test.each([
    ['without', undefined],
    ['with', EXTERNAL_ID],
  ])(
    'AssumeRole %s ExternalId gives credentials that act in the role account',
    async (_, externalId) => {
      const session = await assume(moto.endpoint, admin, ROLE, externalId);
      expect(session.accessKeyId).toMatch(/^ASIA/);
      const { iam, sts } = clients(moto.endpoint, session, 1);
      expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
        Account: ACCOUNT,
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/key-rotation/rotation`,
      });
      const remoteKey = moto.state.accounts[ACCOUNT]!.users['remote']![0]!;
      const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'remote' }));
      expect(listed.AccessKeyMetadata!.map((k) => k.AccessKeyId)).toContain(remoteKey.accessKeyId);
      const created = await iam.send(new CreateAccessKeyCommand({ UserName: 'remote' }));
      // The remote user's own key sees the new one: it was made in that account.
      const own = clients(moto.endpoint, remoteKey).iam;
      const after = await own.send(new ListAccessKeysCommand({ UserName: 'remote' }));
      expect(after.AccessKeyMetadata!.map((k) => k.AccessKeyId)).toEqual([
        remoteKey.accessKeyId,
        created.AccessKey!.AccessKeyId,
      ]);
      await iam.send(
        new DeleteAccessKeyCommand({
          UserName: 'remote',
          AccessKeyId: created.AccessKey!.AccessKeyId!,
        }),
      );
    },
  );
});

describe('AssumeRole, role credentials and user tags with auth enforced', () => {
  let moto: Moto;
  let rotator: Key;
  let noAssume: Key;

  beforeAll(async () => {
    moto = await startMoto({
      env: { INITIAL_NO_AUTH_ACTION_COUNT: '0' },
      seed: {
        users: [
          {
            name: 'rotator',
            path: '/ops/',
            keys: [{ status: 'Active', ageDays: 1 }],
            inlinePolicies: {
              assume: allow(['sts:AssumeRole'], [`arn:aws:iam::*:role/*`]),
              tags: allow(
                ['iam:TagUser', 'iam:UntagUser', 'iam:ListUserTags'],
                ['arn:aws:iam::123456789012:user/rotated/*'],
              ),
            },
          },
          { name: 'no-assume', keys: [{ status: 'Active', ageDays: 1 }] },
          { name: 'ci-deploy', path: '/rotated/', keys: [] },
          { name: 'outsider', keys: [] },
        ],
        roles: [
          {
            name: 'same-account-user',
            trustPolicy: trust({ AWS: 'arn:aws:iam::123456789012:user/no-assume' }),
          },
        ],
        accounts: [
          {
            accountId: ACCOUNT,
            users: [
              { name: 'remote', path: '/rotated/', keys: [{ status: 'Active', ageDays: 30 }] },
              { name: 'elsewhere', keys: [] },
            ],
            roles: [
              {
                name: 'key-rotation',
                trustPolicy: trust(
                  { AWS: 'arn:aws:iam::123456789012:root' },
                  { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
                ),
                inlinePolicies: {
                  keys: allow(
                    ['iam:ListAccessKeys', 'iam:CreateAccessKey', 'iam:DeleteAccessKey'],
                    [`arn:aws:iam::${ACCOUNT}:user/rotated/*`],
                  ),
                },
              },
              { name: 'trusts-another-account', trustPolicy: trust({ AWS: '999999999999' }) },
              {
                name: 'trusts-rotator',
                trustPolicy: trust({ AWS: ['arn:aws:iam::123456789012:user/ops/rotator'] }),
              },
              {
                name: 'denies-rotator',
                trustPolicy: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Principal: { AWS: '123456789012' },
                      Action: 'sts:AssumeRole',
                    },
                    {
                      Effect: 'Deny',
                      Principal: { AWS: 'arn:aws:iam::123456789012:user/ops/rotator' },
                      Action: 'sts:*',
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    });
    rotator = moto.state.users['rotator']![0]!;
    noAssume = moto.state.users['no-assume']![0]!;
  });

  afterAll(() => moto?.stop());

  const refusal = (who: string, role: string) => ({
    name: 'AccessDenied',
    status: 403,
    message: `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${role}`,
  });
  const ROTATOR = 'arn:aws:iam::123456789012:user/ops/rotator';

  test('the trust policy and its ExternalId condition allow the caller', async () => {
    const session = await assume(moto.endpoint, rotator, ROLE, EXTERNAL_ID);
    const identity = await clients(moto.endpoint, session).sts.send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/key-rotation/rotation`);
  });

  test('a wrong or missing ExternalId is refused with AccessDenied', async () => {
    expect(await failure(assume(moto.endpoint, rotator, ROLE, 'wrong'))).toEqual(
      refusal(ROTATOR, ROLE),
    );
    expect(await failure(assume(moto.endpoint, rotator, ROLE))).toEqual(refusal(ROTATOR, ROLE));
  });

  test("a trust policy that does not name the caller's account or ARN refuses", async () => {
    const other = `arn:aws:iam::${ACCOUNT}:role/trusts-another-account`;
    expect(await failure(assume(moto.endpoint, rotator, other))).toEqual(refusal(ROTATOR, other));
    const denies = `arn:aws:iam::${ACCOUNT}:role/denies-rotator`;
    expect(await failure(assume(moto.endpoint, rotator, denies))).toEqual(refusal(ROTATOR, denies));
    const missing = `arn:aws:iam::${ACCOUNT}:role/no-such-role`;
    expect(await failure(assume(moto.endpoint, rotator, missing))).toEqual(
      refusal(ROTATOR, missing),
    );
    // Naming the user by its ARN, path included, is enough.
    await assume(moto.endpoint, rotator, `arn:aws:iam::${ACCOUNT}:role/trusts-rotator`);
  });

  test('a caller whose own policies lack sts:AssumeRole is refused across accounts', async () => {
    const noAssumeArn = 'arn:aws:iam::123456789012:user/no-assume';
    expect(await failure(assume(moto.endpoint, noAssume, ROLE, EXTERNAL_ID))).toEqual(
      refusal(noAssumeArn, ROLE),
    );
    // In the role's own account a trust policy naming the user is enough, as in AWS.
    await assume(moto.endpoint, noAssume, 'arn:aws:iam::123456789012:role/same-account-user');
  });

  test("the role's inline policies, on the role account's resources, bound its credentials", async () => {
    const session = await assume(moto.endpoint, rotator, ROLE, EXTERNAL_ID);
    const { iam } = clients(moto.endpoint, session, 1);
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'remote' }));
    expect(listed.AccessKeyMetadata).toHaveLength(1);
    const created = await iam.send(new CreateAccessKeyCommand({ UserName: 'remote' }));
    await iam.send(
      new DeleteAccessKeyCommand({
        UserName: 'remote',
        AccessKeyId: created.AccessKey!.AccessKeyId!,
      }),
    );
    const session_arn = `arn:aws:sts::${ACCOUNT}:assumed-role/key-rotation/rotation`;
    // Outside the policy's path: the resource hook works in this account too.
    expect(await failure(iam.send(new ListAccessKeysCommand({ UserName: 'elsewhere' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${session_arn} is not authorized to perform: iam:ListAccessKeys`,
    });
    // Not in the policy at all.
    expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'remote' })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
  });

  test('TagUser, ListUserTags and UntagUser work, and only on the users the policy names', async () => {
    const { iam } = clients(moto.endpoint, rotator, 1);
    const tags = [
      { Key: 'key-rotation:rotated-at', Value: '2026-11-29T04:17:00Z' },
      { Key: 'key-rotation:key', Value: 'AKIA-FAKE-EXAMPLE-1' },
    ];
    await iam.send(new TagUserCommand({ UserName: 'ci-deploy', Tags: tags }));
    await iam.send(
      new TagUserCommand({
        UserName: 'ci-deploy',
        Tags: [{ Key: 'key-rotation:rotated-at', Value: '2026-11-30T04:17:00Z' }],
      }),
    );
    const listed = await iam.send(new ListUserTagsCommand({ UserName: 'ci-deploy' }));
    expect(listed.Tags).toEqual([
      { Key: 'key-rotation:rotated-at', Value: '2026-11-30T04:17:00Z' },
      { Key: 'key-rotation:key', Value: 'AKIA-FAKE-EXAMPLE-1' },
    ]);
    await iam.send(new UntagUserCommand({ UserName: 'ci-deploy', TagKeys: ['key-rotation:key'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'ci-deploy' }))).Tags).toEqual([
      { Key: 'key-rotation:rotated-at', Value: '2026-11-30T04:17:00Z' },
    ]);
    for (const command of [
      new TagUserCommand({ UserName: 'outsider', Tags: tags }),
      new ListUserTagsCommand({ UserName: 'outsider' }),
      new UntagUserCommand({ UserName: 'outsider', TagKeys: ['key-rotation:key'] }),
    ]) {
      expect(await failure(iam.send(command as TagUserCommand))).toMatchObject({
        name: 'AccessDenied',
        status: 403,
      });
    }
    await iam.send(
      new UntagUserCommand({ UserName: 'ci-deploy', TagKeys: ['key-rotation:rotated-at'] }),
    );
  });

  test("TagUser enforces IAM's tag limits", async () => {
    const { iam } = clients(moto.endpoint, rotator, 1);
    const tag = (tags: { Key: string; Value: string }[]) =>
      failure(iam.send(new TagUserCommand({ UserName: 'ci-deploy', Tags: tags })));
    const many = (n: number, prefix = 'k') =>
      Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: 'v' }));
    expect(await tag(many(51))).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(await tag([{ Key: 'k'.repeat(129), Value: 'v' }])).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('less than or equal to 128'),
    });
    expect(await tag([{ Key: 'k', Value: 'v'.repeat(257) }])).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('less than or equal to 256'),
    });
    expect(await tag([{ Key: 'key-rotation#1', Value: 'v' }])).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('regular expression pattern'),
    });
    expect(await tag([{ Key: 'k', Value: 'a,b' }])).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('regular expression pattern'),
    });
    expect(
      await tag([
        { Key: 'Same', Value: '1' },
        { Key: 'same', Value: '2' },
      ]),
    ).toMatchObject({ name: 'InvalidInputException', status: 400 });
    // Characters AWS allows, at the longest lengths.
    const longest = [
      { Key: `key-rotation:${'k'.repeat(115)}`, Value: `${'v'.repeat(240)} _.:/=+-@2026` },
    ];
    await iam.send(new TagUserCommand({ UserName: 'ci-deploy', Tags: longest }));
    await iam.send(new TagUserCommand({ UserName: 'ci-deploy', Tags: many(49) }));
    expect(await tag(many(1, 'extra'))).toEqual({
      name: 'LimitExceededException',
      status: 409,
      message: 'Cannot exceed quota for TagsPerUser: 50',
    });
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'ci-deploy' }))).Tags).toHaveLength(
      50,
    );
  });
});

describe('SES v2 SendEmail', () => {
  let moto: Moto;
  const send = (key: Key, from: string, region = 'us-east-1') =>
    clients(moto.endpoint, key, 1, region).ses.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: {
          ToAddresses: ['ops@example.com', 'sec@example.com'],
          CcAddresses: ['cc@example.com'],
        },
        Content: {
          Simple: {
            Subject: { Data: 'Access key rotated for ci-deploy' },
            Body: { Text: { Data: 'Rotated.\n' }, Html: { Data: '<p>Rotated.</p>' } },
          },
        },
      }),
    );

  beforeAll(async () => {
    const identity = (address: string) => `arn:aws:ses:us-east-1:123456789012:identity/${address}`;
    moto = await startMoto({
      env: { INITIAL_NO_AUTH_ACTION_COUNT: '0' },
      seed: {
        sesIdentities: ['rotation@example.com', 'alerts@example.com'],
        users: [
          {
            name: 'mailer',
            keys: [{ status: 'Active', ageDays: 1 }],
            inlinePolicies: { m: allow(['ses:SendEmail']) },
          },
          {
            name: 'scoped-mailer',
            keys: [{ status: 'Active', ageDays: 1 }],
            inlinePolicies: { m: allow(['ses:SendEmail'], [identity('rotation@example.com')]) },
          },
          { name: 'nobody', keys: [{ status: 'Active', ageDays: 1 }] },
        ],
      },
    });
  });

  afterAll(() => moto?.stop());

  const user = (name: string) => moto.state.users[name]![0]!;

  test('a message from a verified identity is sent and recorded with every field', async () => {
    const out = await send(user('mailer'), 'Key rotation <rotation@example.com>');
    expect(out.MessageId).toEqual(expect.any(String));
    expect(await moto.sentEmails()).toEqual([
      {
        from: 'Key rotation <rotation@example.com>',
        to: ['ops@example.com', 'sec@example.com'],
        cc: ['cc@example.com'],
        bcc: [],
        subject: 'Access key rotated for ci-deploy',
        text: 'Rotated.\n',
        html: '<p>Rotated.</p>',
      },
    ]);
  });

  test('an unverified sender, or one verified in another region, is refused: MessageRejected', async () => {
    expect(await failure(send(user('mailer'), 'other@example.com'))).toEqual({
      name: 'MessageRejected',
      status: 400,
      message: 'Email address not verified other@example.com',
    });
    expect(await failure(send(user('mailer'), 'rotation@example.com', 'eu-west-1'))).toMatchObject({
      name: 'MessageRejected',
    });
    expect(await moto.sentEmails()).toHaveLength(1);
  });

  test('the SES v2 client finds the endpoint in AWS_ENDPOINT_URL_SESV2, as the action will', async () => {
    const saved = process.env['AWS_ENDPOINT_URL_SESV2'];
    process.env['AWS_ENDPOINT_URL_SESV2'] = moto.endpoint;
    try {
      const { accessKeyId, secretAccessKey } = user('mailer');
      const ses = new SESv2Client({
        region: 'us-east-1',
        credentials: { accessKeyId, secretAccessKey },
      });
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'alerts@example.com',
          Destination: { ToAddresses: ['ops@example.com'] },
          Content: { Simple: { Subject: { Data: 'env' }, Body: { Text: { Data: 'via env' } } } },
        }),
      );
      expect(out.MessageId).toEqual(expect.any(String));
    } finally {
      if (saved === undefined) delete process.env['AWS_ENDPOINT_URL_SESV2'];
      else process.env['AWS_ENDPOINT_URL_SESV2'] = saved;
    }
    expect((await moto.sentEmails()).at(-1)).toMatchObject({
      subject: 'env',
      text: 'via env',
      html: null,
    });
  });

  test('ses:SendEmail is required, on the sending identity', async () => {
    await send(user('scoped-mailer'), 'rotation@example.com');
    expect(await failure(send(user('scoped-mailer'), 'alerts@example.com'))).toEqual({
      name: 'AccessDeniedException',
      status: 403,
      message:
        'User: arn:aws:iam::123456789012:user/scoped-mailer is not authorized to perform: ' +
        'ses:SendEmail on resource: arn:aws:ses:us-east-1:123456789012:identity/alerts@example.com',
    });
    expect(await failure(send(user('nobody'), 'rotation@example.com'))).toMatchObject({
      name: 'AccessDeniedException',
      status: 403,
    });
    expect((await moto.sentEmails()).map((m) => m.from)).toEqual([
      'Key rotation <rotation@example.com>',
      'alerts@example.com',
      'rotation@example.com',
    ]);
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
