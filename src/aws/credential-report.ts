/**
 * IAM's credential report: every user's keys in one download. Generates the report, waits until
 * IAM has it, downloads and reads it. When it cannot be had, says why, so the caller can fall
 * back to calls per user.
 */
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { systemClock, type Clock } from '../lib/clock.js';
import { csvRecords } from '../lib/csv.js';
import type { CredentialReport, KeySlot, ReportedUser } from '../model/credential-report.js';
import { messageOf } from '../model/errors.js';

/** The report cannot be had; `reason` is for people ("not ready within 60 s"). */
export class CredentialReportUnavailable extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(`the IAM credential report is unavailable: ${reason}`);
    this.name = 'CredentialReportUnavailable';
    this.reason = reason;
  }
}

export interface CredentialReportOptions {
  readonly clock?: Clock;
  /** How long to wait for IAM to finish the report (default 60 s). */
  readonly timeoutMs?: number;
  /** The longest wait between two asks whether it is done (default 2 s; the first is 0.5 s). */
  readonly pollMs?: number;
}

// A report being made, expired or gone between our two calls: ask IAM to generate again.
const ASK_AGAIN = new Set([
  'CredentialReportNotReadyException',
  'ReportInProgress',
  'CredentialReportExpiredException',
  'ReportExpired',
  'CredentialReportNotPresentException',
  'ReportNotPresent',
  'ReportGenerationLimitExceededException',
  'ReportGenerationLimitExceeded',
]);

export async function readCredentialReport(
  iam: IAMClient,
  options: CredentialReportOptions = {},
): Promise<CredentialReport> {
  const { clock = systemClock, timeoutMs = 60_000, pollMs = 2_000 } = options;
  const deadline = clock.now() + timeoutMs;
  try {
    // A report is usually ready within seconds: ask soon, then less often.
    for (let wait = Math.min(500, pollMs); ; wait = Math.min(wait * 2, pollMs)) {
      const report = await tryDownload(iam);
      if (report) return parseCredentialReport(report.csv, report.generatedAt);
      if (clock.now() + wait > deadline) {
        throw new CredentialReportUnavailable(`not ready within ${timeoutMs / 1000} s`);
      }
      await clock.sleep(wait);
    }
  } catch (error) {
    throw unavailable(error);
  }
}

/** The report when IAM has one ready, otherwise undefined. */
async function tryDownload(
  iam: IAMClient,
): Promise<{ csv: string; generatedAt: Date } | undefined> {
  try {
    const { State } = await iam.send(new GenerateCredentialReportCommand({}));
    if (State !== 'COMPLETE') return undefined;
    const out = await iam.send(new GetCredentialReportCommand({}));
    if (!out.GeneratedTime) {
      throw new CredentialReportUnavailable('IAM returned a report without its generation time');
    }
    return { csv: reportText(out.Content), generatedAt: out.GeneratedTime };
  } catch (error) {
    if (error instanceof Error && ASK_AGAIN.has(error.name)) return undefined;
    throw error;
  }
}

function unavailable(error: unknown): CredentialReportUnavailable {
  if (error instanceof CredentialReportUnavailable) return error;
  if (error instanceof Error && /^AccessDenied/.test(error.name)) {
    return new CredentialReportUnavailable(
      `the credentials lack iam:GenerateCredentialReport / iam:GetCredentialReport (${error.message})`,
    );
  }
  return new CredentialReportUnavailable(messageOf(error));
}

/** The SDK decodes the wire's base64 into bytes; a report still in base64 is decoded too. */
function reportText(content: Uint8Array | undefined): string {
  const text = Buffer.from(content ?? new Uint8Array()).toString('utf8');
  if (text.startsWith('user,') || !/^[A-Za-z0-9+/=\s]+$/.test(text)) return text;
  return Buffer.from(text, 'base64').toString('utf8');
}

const REQUIRED = ['user', 'arn', 'user_creation_time'].concat(
  [1, 2].flatMap((n) =>
    ['active', 'last_rotated', 'last_used_date'].map((c) => `access_key_${n}_${c}`),
  ),
);

/** Reads the report's CSV by column name; the root account's row is left out. */
export function parseCredentialReport(csv: string, generatedAt: Date): CredentialReport {
  const { header, records } = csvRecords(csv);
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new CredentialReportUnavailable(`the report has no column ${missing.join(', ')}`);
  }
  const users = records
    .filter((row) => row.get('user') !== '<root_account>')
    .map((row) => reportedUser((name) => row.get(name) ?? ''));
  return { generatedAt, users };
}

function reportedUser(column: (name: string) => string): ReportedUser {
  const user = column('user');
  const arn = column('arn');
  const createdAt = dateOf(column('user_creation_time'));
  if (!createdAt) {
    throw new CredentialReportUnavailable(`the report has no creation time for user ${user}`);
  }
  const slot = (n: 1 | 2) => keySlot((name) => column(`access_key_${n}_${name}`));
  return { user, arn, accountId: arn.split(':')[4] ?? '', createdAt, keys: [slot(1), slot(2)] };
}

function keySlot(column: (name: string) => string): KeySlot {
  const used = column('last_used_date');
  const region = known(column('last_used_region'));
  const service = known(column('last_used_service'));
  return {
    active: column('active').toLowerCase() === 'true',
    lastRotated: dateOf(column('last_rotated')),
    // 'N/A': never used (or no key); 'no_information' and the like: IAM does not know.
    lastUsed: used === 'N/A' ? null : dateOf(used),
    ...(region ? { lastUsedRegion: region } : {}),
    ...(service ? { lastUsedService: service } : {}),
  };
}

/** An ISO 8601 date-time, or undefined for N/A, no_information and anything else. */
function dateOf(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function known(value: string): string | undefined {
  return ['', 'N/A', 'no_information', 'not_supported'].includes(value) ? undefined : value;
}
