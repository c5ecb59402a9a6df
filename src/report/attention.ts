/**
 * What needs a person after a run, as one model: the summary, the email and the issue are three
 * renderings of it, so they say the same things. Bounded for any number of users.
 */
import type { AuditEntry } from '../audit/stale-keys.js';
import type { UserResult } from '../model/user-result.js';
import { countOutcomes, countsLine, type Counts } from './outcome-counts.js';

export interface AuditFindings {
  readonly mode: 'report' | 'fail';
  /** Stale keys this run leaves as they are. */
  readonly remaining: readonly AuditEntry[];
  /** Accounts the audit could not look at (no credential report). */
  readonly unaudited: readonly string[];
}

export interface Attention {
  readonly failed: readonly UserResult[];
  /** Old keys kept active because they are still in use after the overlap window. */
  readonly inUse: readonly UserResult[];
  readonly audit: AuditFindings | undefined;
  readonly counts: Counts;
  /** "2 rotated, 1 failed, 10 fresh" */
  readonly countsLine: string;
  readonly users: number;
  readonly needsAttention: boolean;
  /** How texts name a user: with its account only when the run spans several accounts. */
  readonly name: (r: Pick<UserResult, 'account' | 'user'>) => string;
}

export function attentionOf(results: readonly UserResult[], audit?: AuditFindings): Attention {
  const failed = results.filter((r) => r.outcome === 'failed');
  const inUse = results.filter((r) => r.keptInUse !== undefined);
  const auditNeeds =
    audit !== undefined && (audit.remaining.length > 0 || audit.unaudited.length > 0);
  const counts = countOutcomes(results);
  const several = new Set(results.map((r) => r.account)).size > 1;
  return {
    name: (r) => (several && r.account ? `${r.account}/${r.user}` : r.user),
    failed,
    inUse,
    audit,
    counts,
    countsLine: countsLine(counts),
    users: results.length,
    needsAttention: failed.length > 0 || inUse.length > 0 || auditNeeds,
  };
}

/** At most this many users are named in an alert, an email or an issue. */
export const LISTED = 25;
/** A failure's reason is cut to this length in an email or issue. */
const REASON_CHARS = 400;

/** One line per thing that needs a person, each bounded; then "and N more". */
export function attentionLines(attention: Attention): string[] {
  const lines: string[] = [];
  const listed = <T>(items: readonly T[], line: (item: T) => string, what: string) => {
    lines.push(...items.slice(0, LISTED).map(line));
    if (items.length > LISTED) lines.push(`… and ${items.length - LISTED} more ${what}`);
  };
  const who = attention.name;
  listed(attention.failed, (r) => `Failed: ${who(r)}: ${cut(r.message)}`, 'failed user(s)');
  listed(
    attention.inUse,
    (r) =>
      `Still in use: ${r.keptInUse?.id} of ${who(r)}, ${lastUseOf(r)}; move what uses it to ${r.newKeyId ?? 'the new key'}`,
    'key(s) in use',
  );
  const audit = attention.audit;
  if (audit) {
    listed(
      audit.remaining,
      (e) =>
        `Stale key: ${e.account}/${e.user}${e.managed ? '' : ' (not managed by this configuration)'}: ` +
        e.keys.flatMap((k) => k.findings).join(', '),
      'stale user(s)',
    );
    for (const account of audit.unaudited)
      lines.push(`Not audited: account ${account} (no credential report)`);
  }
  return lines;
}

function lastUseOf(r: UserResult): string {
  const key = r.keptInUse;
  if (!key?.lastUsedAt) return 'last use unknown';
  const where = [key.lastUsedService && `by ${key.lastUsedService}`, key.lastUsedRegion]
    .filter(Boolean)
    .join(' in ');
  return `last used ${key.lastUsedAt}${where ? ` ${where}` : ''}`;
}

function cut(text: string): string {
  return text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1)}…` : text;
}
