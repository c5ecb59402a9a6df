/** The job summary people read: a table per user, then details. Pure: results in, text out. */
import { settingsUrl } from '../github/secret-paths.js';
import type { RotationPolicy } from '../model/settings.js';
import type { Outcome, UserResult } from '../model/user-result.js';
import { countOutcomes } from './outcome-counts.js';

export interface ReportContext {
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
  /** GITHUB_SERVER_URL, for links to the targets' settings pages. */
  readonly serverUrl: string;
}

const ICON: Record<Outcome, string> = {
  rotated: '✅',
  fresh: '⏸️',
  'would-rotate': '📝',
  failed: '❌',
};

// GitHub refuses summaries over 1 MiB; detail blocks stop well before that.
const DETAIL_BUDGET_BYTES = 600_000;

const escapeCell = (text: string): string =>
  text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');

function policyLine(policy: RotationPolicy, dryRun: boolean): string {
  const parts = [
    `max-age-days: ${policy.maxAgeDays}`,
    `retire-old-key: ${policy.retireOldKey}`,
    `delete-inactive-after-days: ${policy.deleteInactiveAfterDays}`,
    `two-active-keys: ${policy.twoActiveKeys}`,
    `verify-new-key: ${policy.verifyNewKey}`,
  ];
  return `${dryRun ? '**Dry run**: nothing was changed. ' : ''}Policy: ${parts.join(' · ')}`;
}

function tableRow(r: UserResult): string {
  const old = r.oldKeyId ? `\`${r.oldKeyId}\` (${r.oldKeyAgeDays ?? '?'} d)` : '—';
  const written = r.targets.filter((t) => t.state === 'written' || t.state === 'would-write');
  const cells = [
    `${ICON[r.outcome]} ${r.outcome}`,
    `\`${r.user}\``,
    old,
    r.newKeyId ? `\`${r.newKeyId}\`` : '—',
    r.outcome === 'fresh' ? '—' : `${written.length}/${r.targets.length}`,
    escapeCell(r.message),
  ];
  return `| ${cells.join(' | ')} |`;
}

function details(r: UserResult, serverUrl: string): string {
  const lines = r.targets.map((t) => {
    const link = `[settings](${settingsUrl(t.scope, serverUrl)})`;
    const error = t.error ? ` — ${escapeCell(t.error)}` : '';
    return `- ${t.state}: ${escapeCell(t.target)} holds \`${t.keyId ?? 'unknown'}\` ${link}${error}`;
  });
  const keys = [
    r.deletedKeyIds.length ? `- deleted keys: ${r.deletedKeyIds.join(', ')}` : '',
    r.deactivatedKeyIds.length ? `- deactivated keys: ${r.deactivatedKeyIds.join(', ')}` : '',
  ].filter(Boolean);
  const body = [...lines, ...keys].join('\n') || '- no targets touched';
  return `<details><summary>${ICON[r.outcome]} ${r.user}: ${r.outcome}</summary>\n\n${body}\n\n</details>`;
}

export function summaryMarkdown(results: readonly UserResult[], context: ReportContext): string {
  const { rotated, failed } = countOutcomes(results);
  const head = [
    `## AWS access key rotation`,
    '',
    `${results.length} user(s): ${rotated} rotated, ${failed} failed.`,
    '',
    policyLine(context.policy, context.dryRun),
    '',
    '| Status | User | Old key (age) | New key | Targets written | Details |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.map(tableRow),
    '',
  ];
  return [...head, ...boundedDetails(results, context.serverUrl)].join('\n');
}

/** Detail blocks until the budget is spent; failures first, since they need a person. */
function boundedDetails(results: readonly UserResult[], serverUrl: string): string[] {
  const ordered = [...results].sort(
    (a, b) => Number(b.outcome === 'failed') - Number(a.outcome === 'failed'),
  );
  const blocks: string[] = [];
  let used = 0;
  for (const r of ordered) {
    const block = details(r, serverUrl);
    used += Buffer.byteLength(block);
    if (used > DETAIL_BUDGET_BYTES) {
      blocks.push(
        `_${ordered.length - blocks.length} more user(s) left out to stay under GitHub's summary limit; see the \`report\` output._`,
      );
      break;
    }
    blocks.push(block);
  }
  return blocks;
}
