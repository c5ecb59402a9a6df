/**
 * Publishes the results: outputs, the full report as a file, the job summary, annotations for
 * failed users (at most ten, as GitHub shows ten per step) and the verdict.
 */
import type { AuditResult } from '../audit/run-audit.js';
import type { AuditEntry } from '../audit/stale-keys.js';
import type { UserResult } from '../model/user-result.js';
import type { Attention } from './attention.js';
import type { NotifyReport } from './notify.js';
import { countOutcomes } from './outcome-counts.js';
import type { Redactor } from './redaction.js';
import { OUTPUT_LIMIT_BYTES, compactReportJson, reportJson } from './report-json.js';
import { summaryMarkdown, type ReportContext } from './summary.js';

/** Where published text goes: the runner's outputs, summary and annotations (@actions/core). */
export interface ActionOutput {
  setOutput(name: string, value: string | number): void;
  writeSummary(markdown: string): Promise<void>;
  /** Writes the full report; returns its path. */
  writeReportFile(json: string): string;
  error(message: string): void;
  setFailed(message: string): void;
}

/** GitHub shows ten error annotations per step; the rest go into one. */
export const MAX_ANNOTATIONS = 10;

/** Everything a run has to say. */
export interface RunReport {
  readonly results: readonly UserResult[];
  readonly attention: Attention;
  readonly audit?: { readonly mode: 'report' | 'fail'; readonly result: AuditResult };
  readonly notified?: NotifyReport;
}

export async function publish(
  run: RunReport,
  context: ReportContext,
  out: ActionOutput,
  redactor: Redactor,
): Promise<void> {
  const { results, audit } = run;
  const counts = countOutcomes(results);
  out.setOutput('rotated', counts.rotated);
  out.setOutput('failed', counts.failed);
  out.setOutput('deferred', counts.deferred);
  out.setOutput('report', redactor.redact(compactReportJson(results)));
  out.setOutput('report-file', out.writeReportFile(redactor.redact(reportJson(results))));
  if (audit) out.setOutput('audit', redactor.redact(auditJson(audit.result.entries)));
  const extras = {
    attention: run.attention,
    ...(audit ? { audit: { mode: audit.mode, entries: audit.result.entries } } : {}),
    ...(run.notified ? { notified: run.notified } : {}),
  };
  await out.writeSummary(redactor.redact(summaryMarkdown(results, context, extras)));
  annotateFailures(results, run.attention.name, out, redactor);
  const verdict = [
    counts.failed > 0 && `${counts.failed} of ${results.length} user(s) failed`,
    audit?.mode === 'fail' && auditFails(audit.result),
  ].filter((part): part is string => typeof part === 'string');
  if (verdict.length > 0) out.setFailed(`${verdict.join('; ')}; see the job summary`);
}

/** With `audit: fail`: stale keys left, or accounts that could not be audited. */
function auditFails(result: AuditResult): string | undefined {
  const parts = [
    result.remaining.length > 0 &&
      `the audit found ${result.remaining.length} user(s) with a stale active key this run leaves`,
    result.unaudited.length > 0 &&
      `the audit could not read the credential report of ${result.unaudited.join(', ')}`,
  ].filter((part): part is string => typeof part === 'string');
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The `audit` output, bounded like the report: entries past the limit are counted. */
function auditJson(entries: readonly AuditEntry[]): string {
  const json = JSON.stringify(entries);
  if (Buffer.byteLength(json) <= OUTPUT_LIMIT_BYTES) return json;
  let kept = entries.length;
  while (
    kept > 0 &&
    Buffer.byteLength(JSON.stringify(entries.slice(0, kept))) > OUTPUT_LIMIT_BYTES - 100
  ) {
    kept = Math.floor(kept * 0.9);
  }
  return JSON.stringify([...entries.slice(0, kept), { omitted: entries.length - kept }]);
}

function annotateFailures(
  results: readonly UserResult[],
  name: Attention['name'],
  out: ActionOutput,
  redactor: Redactor,
): void {
  const failed = results.filter((result) => result.outcome === 'failed');
  // One place is left for the verdict, which is an annotation too.
  const shown = failed.length > MAX_ANNOTATIONS - 1 ? MAX_ANNOTATIONS - 2 : failed.length;
  for (const r of failed.slice(0, shown)) {
    out.error(redactor.redact(`${name(r)}: ${r.message}`));
  }
  if (failed.length > shown) {
    out.error(`${failed.length - shown} more user(s) failed; the job summary lists them all`);
  }
}
