import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  CredentialReportExpiredException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CredentialReportUnavailable,
  readCredentialReport,
} from '../../../src/aws/credential-report.js';
import type { Clock } from '../../../src/lib/clock.js';

const iamMock = mockClient(IAMClient);
const iam = new IAMClient({ region: 'us-east-1' });
const GENERATED = new Date('2026-11-29T05:00:00Z');

/** A clock whose sleeps only move time forward. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,' +
  'password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,' +
  'access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,' +
  'access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,' +
  'cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const ROOT =
  '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,' +
  '2026-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,' +
  'N/A,N/A,N/A,false,N/A,false,N/A';
const CI =
  'ci-deploy,arn:aws:iam::123456789012:user/team/ci-deploy,2025-03-01T10:00:00+00:00,false,' +
  'N/A,N/A,N/A,false,true,2026-08-01T04:17:00+00:00,2026-11-29T04:17:00+00:00,eu-west-1,s3,' +
  'false,2026-09-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A';
const OLD =
  'old-user,arn:aws:iam::123456789012:user/old-user,2014-01-01T00:00:00+00:00,false,N/A,N/A,' +
  'N/A,false,TRUE,2014-02-01T00:00:00+00:00,no_information,N/A,N/A,false,N/A,N/A,N/A,N/A,' +
  'false,N/A,false,N/A';
const CSV = [HEADER, ROOT, CI, OLD, ''].join('\n');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

beforeEach(() => {
  iamMock.reset();
});

describe('readCredentialReport', () => {
  it('asks soon, then less often, until the report is complete, then reads every user but root', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' })
      .on(GetCredentialReportCommand)
      .resolves({ Content: bytes(CSV), ReportFormat: 'text/csv', GeneratedTime: GENERATED });
    const clock = fakeClock();
    const report = await readCredentialReport(iam, { clock });
    expect(clock.slept).toEqual([500, 1000]);
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(1);
    expect(report.generatedAt).toEqual(GENERATED);
    expect(report.users.map((u) => u.user)).toEqual(['ci-deploy', 'old-user']);
    expect(report.users[0]).toEqual({
      user: 'ci-deploy',
      arn: 'arn:aws:iam::123456789012:user/team/ci-deploy',
      accountId: '123456789012',
      createdAt: new Date('2025-03-01T10:00:00Z'),
      keys: [
        {
          active: true,
          lastRotated: new Date('2026-08-01T04:17:00Z'),
          lastUsed: new Date('2026-11-29T04:17:00Z'),
          lastUsedRegion: 'eu-west-1',
          lastUsedService: 's3',
        },
        { active: false, lastRotated: new Date('2026-09-01T00:00:00Z'), lastUsed: null },
      ],
    });
  });

  it('tells never used (N/A) from unknown (no_information), and reads TRUE as true', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolves({ State: 'COMPLETE' })
      .on(GetCredentialReportCommand)
      .resolves({ Content: bytes(CSV), GeneratedTime: GENERATED });
    const { users } = await readCredentialReport(iam, { clock: fakeClock() });
    const old = users.find((u) => u.user === 'old-user')!;
    expect(old.keys[0]).toEqual({
      active: true,
      lastRotated: new Date('2014-02-01T00:00:00Z'),
      lastUsed: undefined,
    });
    expect(old.keys[1]).toEqual({ active: false, lastRotated: undefined, lastUsed: null });
  });

  it('finds columns by name, not position, and reads quoted fields', async () => {
    const csv =
      'access_key_2_last_used_date,access_key_2_last_rotated,access_key_2_active,' +
      'access_key_1_last_used_date,access_key_1_last_rotated,access_key_1_active,arn,' +
      'user_creation_time,user\r\n' +
      'N/A,N/A,false,N/A,2026-01-01T00:00:00+00:00,true,' +
      '"arn:aws:iam::210987654321:user/a,b",2026-01-01T00:00:00+00:00,"a,b"\r\n';
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolves({ State: 'COMPLETE' })
      .on(GetCredentialReportCommand)
      .resolves({ Content: bytes(csv), GeneratedTime: GENERATED });
    const { users } = await readCredentialReport(iam, { clock: fakeClock() });
    expect(users).toEqual([
      {
        user: 'a,b',
        arn: 'arn:aws:iam::210987654321:user/a,b',
        accountId: '210987654321',
        createdAt: new Date('2026-01-01T00:00:00Z'),
        keys: [
          { active: true, lastRotated: new Date('2026-01-01T00:00:00Z'), lastUsed: null },
          { active: false, lastRotated: undefined, lastUsed: null },
        ],
      },
    ]);
  });

  it('decodes a report that is still base64', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolves({ State: 'COMPLETE' })
      .on(GetCredentialReportCommand)
      .resolves({ Content: bytes(Buffer.from(CSV).toString('base64')), GeneratedTime: GENERATED });
    const { users } = await readCredentialReport(iam, { clock: fakeClock() });
    expect(users).toHaveLength(2);
  });

  it('generates again when the report expired or is being remade between the two calls', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolves({ State: 'COMPLETE' })
      .on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportExpiredException({ message: 'expired', $metadata: {} }))
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'busy', $metadata: {} }))
      .resolves({ Content: bytes(CSV), GeneratedTime: GENERATED });
    const clock = fakeClock();
    const { users } = await readCredentialReport(iam, { clock });
    expect(users).toHaveLength(2);
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3);
    expect(clock.slept).toEqual([500, 1000]);
  });

  it('gives up at the timeout with a reason for people', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    const clock = fakeClock();
    const error = await readCredentialReport(iam, { clock, timeoutMs: 10_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(CredentialReportUnavailable);
    expect(error.reason).toBe('not ready within 10 s');
    expect(error.message).toBe('the IAM credential report is unavailable: not ready within 10 s');
    expect(clock.now()).toBeLessThanOrEqual(10_000);
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(0);
  });

  it('names the missing permissions when AWS denies either call', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolves({ State: 'COMPLETE' })
      .on(GetCredentialReportCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform: iam:GetCredentialReport'), {
          name: 'AccessDenied',
        }),
      );
    const error = await readCredentialReport(iam, { clock: fakeClock() }).catch((e) => e);
    expect(error).toBeInstanceOf(CredentialReportUnavailable);
    expect(error.reason).toMatch(
      /^the credentials lack iam:GenerateCredentialReport \/ iam:GetCredentialReport/,
    );
  });

  it('reports other failures with the SDK message', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const error = await readCredentialReport(iam, { clock: fakeClock() }).catch((e) => e);
    expect(error).toBeInstanceOf(CredentialReportUnavailable);
    expect(error.reason).toBe('Rate exceeded');
  });

  it('refuses a report without the columns it needs', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolves({ State: 'COMPLETE' })
      .on(GetCredentialReportCommand)
      .resolves({
        Content: bytes('user,arn\nu,arn:aws:iam::1:user/u\n'),
        GeneratedTime: GENERATED,
      });
    const error = await readCredentialReport(iam, { clock: fakeClock() }).catch((e) => e);
    expect(error).toBeInstanceOf(CredentialReportUnavailable);
    expect(error.reason).toMatch(
      /^the report has no column user_creation_time, access_key_1_active/,
    );
  });
});
