/** The job summary people read: alerts, a table per user, then details. Pure: text out. */
import { settingsUrl } from '../github/secret-paths.js';
import type { RotationPolicy } from '../model/settings.js';
import type { KeySummary, Outcome, UserResult } from '../model/user-result.js';
import type { AuditEntry } from '../audit/stale-keys.js';
import { attentionOf, type Attention } from './attention.js';
import type { NotifyReport } from './notify.js';
import { OUTCOME_ORDER, countOutcomes, countsLine } from './outcome-counts.js';

export interface ReportContext {
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
  /** GITHUB_SERVER_URL, for links to the targets' settings pages. */
  readonly serverUrl: string;
  /** This job's shard and the users of all shards, when the run is sharded. */
  readonly shard?: { readonly index: number; readonly count: number; readonly allUsers: number };
}

const ICON: Record<Outcome, string> = {
  failed: '❌',
  waiting: '⏳',
  rotated: '✅',
  retired: '🗝️',
  'would-rotate': '📝',
  'would-retire': '📝',
  deferred: '⏭️',
  fresh: '⏸️',
};

// GitHub refuses a summary over 1 MiB: the table stops at its share, the details at the rest.
const SUMMARY_BUDGET_BYTES = 1_000_000;
const TABLE_BUDGET_BYTES = 450_000;
const AUDIT_BUDGET_BYTES = 150_000;
/** Names listed in an alert before "and N more". */
const ALERT_NAMES = 10;

const escapeCell = (text: string): string =>
  text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');

/** What else the summary shows: the audit and how people were told. */
export interface SummaryExtras {
  readonly audit?: { readonly mode: 'report' | 'fail'; readonly entries: readonly AuditEntry[] };
  readonly attention?: Attention;
  readonly notified?: NotifyReport;
}

export function summaryMarkdown(
  results: readonly UserResult[],
  context: ReportContext,
  extras: SummaryExtras = {},
): string {
  const ordered = byOutcome(results);
  const attention = extras.attention ?? attentionOf(results);
  const head = [
    `## AWS access key rotation`,
    '',
    `${results.length} user(s): ${countsLine(countOutcomes(results))}.`,
    ...(context.shard ? ['', shardLine(context.shard, results.length)] : []),
    '',
    ...alerts(attention, extras.notified),
    policyLine(context.policy, context.dryRun),
    '',
    ...bounded(userTables(ordered), TABLE_BUDGET_BYTES, 'row'),
    '',
    ...auditSection(extras.audit),
    ...notifiedSection(extras.notified),
  ].join('\n');
  const left = SUMMARY_BUDGET_BYTES - Buffer.byteLength(head);
  const blocks = bounded(
    ordered.map((r) => details(r, context.serverUrl)),
    left,
    'detail block',
  );
  return [head, ...blocks].join('\n');
}

function shardLine(shard: NonNullable<ReportContext['shard']>, users: number): string {
  return (
    `Shard ${shard.index} of ${shard.count}: this job had ${users} of the ` +
    `${shard.allUsers} configured user(s).`
  );
}

/** As many lines as fit in `budget` bytes; then one line saying how many were left out. */
function bounded(lines: readonly string[], budget: number, what: string): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    used += Buffer.byteLength(line) + 1;
    if (used > budget - 200) {
      const rest = lines.length - kept.length;
      kept.push(
        `_${rest} more user(s) left out of this ${what === 'row' ? 'table' : 'summary'} to stay under GitHub's summary limit; the report file has them all._`,
      );
      break;
    }
    kept.push(line);
  }
  return kept;
}

/** Stable: failures first, then the rest in reading order. */
function byOutcome(results: readonly UserResult[]): UserResult[] {
  const rank = (r: UserResult) => OUTCOME_ORDER.indexOf(r.outcome);
  return [...results].sort((a, b) => rank(a) - rank(b));
}

/** GitHub alert blocks for what needs a person: failures, old keys in use, audit findings. */
function alerts(attention: Attention, notified: NotifyReport | undefined): string[] {
  const who = attention.name;
  const failed = attention.failed.map((r) => `\`${who(r)}\``);
  const inUse = attention.inUse.map(
    (r) =>
      `\`${r.keptInUse?.id}\` of \`${who(r)}\` (${r.keptInUse ? lastUseText(r.keptInUse) : ''})`,
  );
  const blocks: string[] = [];
  const block = (kind: string, text: string) => blocks.push(`> [!${kind}]`, `> ${text}`, '');
  if (failed.length > 0) {
    block(
      'CAUTION',
      `${failed.length} user(s) failed and need a person: ${names(failed)}. ` +
        'Their rows come first; the details say why and what to do.',
    );
  }
  if (inUse.length > 0) {
    block(
      'WARNING',
      `${inUse.length} old key(s) are still in use after the overlap window and stay active: ` +
        `${names(inUse)}. Move whatever uses them to the new key.`,
    );
  }
  const audit = attention.audit;
  if (audit && (audit.remaining.length > 0 || audit.unaudited.length > 0)) {
    const stale = audit.remaining.map((e) => `\`${e.account}/${e.user}\``);
    const unmanaged = audit.remaining.filter((e) => !e.managed).length;
    const missing =
      audit.unaudited.length > 0
        ? ` Not audited (no credential report): ${audit.unaudited.join(', ')}.`
        : '';
    block(
      audit.mode === 'fail' ? 'CAUTION' : 'WARNING',
      `The audit found ${stale.length} user(s) with a stale active key that this run leaves as it is ` +
        `(${unmanaged} not managed by this configuration)${stale.length > 0 ? `: ${names(stale)}` : ''}.${missing}`,
    );
  }
  if (notified && notified.problems.length > 0) block('WARNING', notified.problems.join(' '));
  return blocks;
}

/** Every stale key the audit found, in a table of its own. */
function auditSection(audit: SummaryExtras['audit']): string[] {
  if (!audit) return [];
  const rows = audit.entries.map((e) => {
    const keys = e.keys
      .map(
        (k) =>
          `key ${k.slot}: ${k.active ? 'active' : 'inactive'}, ${k.ageDays ?? '?'} d, ${auditLastUse(k)}${k.findings.length ? ` (${k.findings.join(', ')})` : ''}`,
      )
      .join('; ');
    return `| \`${e.account}\` | \`${e.user}\` | ${e.managed ? 'yes' : '**no**'} | ${escapeCell(keys)} |`;
  });
  return [
    `### Audit (${audit.mode})`,
    '',
    rows.length === 0
      ? 'No IAM user has a stale active key.'
      : `${rows.length} user(s) with a stale active key:`,
    '',
    ...(rows.length === 0
      ? []
      : [
          '| Account | User | Managed | Keys |',
          '| --- | --- | --- | --- |',
          ...bounded(rows, AUDIT_BUDGET_BYTES, 'row'),
        ]),
    '',
  ];
}

function auditLastUse(key: {
  readonly lastUsedAt?: string | null;
  readonly lastUsedService?: string;
}): string {
  if (key.lastUsedAt === undefined) return 'last use unknown';
  if (key.lastUsedAt === null) return 'never used';
  return `last used ${key.lastUsedAt.slice(0, 10)}${key.lastUsedService ? ` by ${key.lastUsedService}` : ''}`;
}

function notifiedSection(notified: NotifyReport | undefined): string[] {
  if (!notified || notified.lines.length === 0) return [];
  return [...notified.lines.map((line) => `_${line}_`), ''];
}

function names(list: readonly string[]): string {
  const shown = list.slice(0, ALERT_NAMES).join(', ');
  return list.length > ALERT_NAMES ? `${shown} and ${list.length - ALERT_NAMES} more` : shown;
}

function lastUseText(key: KeySummary): string {
  if (key.lastUsedAt === undefined) return 'last use not looked up';
  if (key.lastUsedAt === null) return 'never used';
  const where = [key.lastUsedService && `by ${key.lastUsedService}`, key.lastUsedRegion]
    .filter(Boolean)
    .join(' in ');
  return `last used ${key.lastUsedAt}${where ? ` ${where}` : ''}`;
}

function policyLine(policy: RotationPolicy, dryRun: boolean): string {
  const parts = [
    `max-age-days: ${policy.maxAgeDays}`,
    `overlap-hours: ${policy.overlapHours}`,
    `retire-old-key: ${policy.retireOldKey}`,
    `delete-inactive-after-days: ${policy.deleteInactiveAfterDays}`,
    `two-active-keys: ${policy.twoActiveKeys}`,
    `verify-new-key: ${policy.verifyNewKey}`,
  ];
  return `${dryRun ? '**Dry run**: nothing was changed. ' : ''}Policy: ${parts.join(' · ')}`;
}

const TABLE_HEAD = [
  '| Status | User | Old key (age) | New key | Targets written | Details |',
  '| --- | --- | --- | --- | --- | --- |',
];

/** One table; with users in several accounts, one per account, each under its own heading. */
function userTables(ordered: readonly UserResult[]): string[] {
  const accounts = [...new Set(ordered.map((r) => r.account ?? ''))];
  if (accounts.length <= 1) return [...TABLE_HEAD, ...ordered.map(tableRow)];
  return accounts.sort().flatMap((account) => {
    const rows = ordered.filter((r) => (r.account ?? '') === account);
    const heading = `#### Account \`${account}\`: ${rows.length} user(s), ${countsLine(countOutcomes(rows))}`;
    return ['', heading, '', ...TABLE_HEAD, ...rows.map(tableRow)];
  });
}

function tableRow(r: UserResult): string {
  const age = r.oldKeyAgeDays === undefined ? '' : ` (${r.oldKeyAgeDays} d)`;
  const old = r.oldKeyId ? `\`${r.oldKeyId}\`${age}` : age ? `key${age}` : '—';
  const user = `\`${r.user}\``;
  const written = r.targets.filter((t) => t.state === 'written' || t.state === 'would-write');
  const due = r.nextDueAt ? `; due ${r.nextDueAt.slice(0, 10)}` : '';
  const cells = [
    `${ICON[r.outcome]} ${r.outcome}`,
    user,
    old,
    r.newKeyId ? `\`${r.newKeyId}\`` : '—',
    r.targets.length === 0 ? '—' : `${written.length}/${r.targets.length}`,
    escapeCell(r.message + due),
  ];
  return `| ${cells.join(' | ')} |`;
}

function details(r: UserResult, serverUrl: string): string {
  const targets = r.targets.map((t) => {
    const link = `[settings](${settingsUrl(t.scope, serverUrl)})`;
    const error = t.error ? ` — ${escapeCell(t.error)}` : '';
    const holds = t.keyId ? `holds \`${t.keyId}\`` : 'holds a key this run cannot tell';
    return `- ${t.state}: ${escapeCell(t.target)} ${holds} ${link}${error}`;
  });
  const keys = (r.keys ?? []).map(
    (k) => `- key \`${k.id}\`: ${k.status.toLowerCase()}, ${k.ageDays} d, ${lastUseText(k)}`,
  );
  const changes = [
    r.deletedKeyIds.length ? `- deleted keys: ${r.deletedKeyIds.join(', ')}` : '',
    r.deactivatedKeyIds.length ? `- deactivated keys: ${r.deactivatedKeyIds.join(', ')}` : '',
    r.pending ? `- left for a later run: ${escapeCell(r.pending)}` : '',
  ].filter(Boolean);
  const body = [...targets, ...keys, ...changes].join('\n') || '- no targets touched';
  return `<details><summary>${ICON[r.outcome]} ${r.user}: ${r.outcome}</summary>\n\n${body}\n\n</details>`;
}
