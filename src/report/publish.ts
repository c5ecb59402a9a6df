/**
 * Publishes the results: outputs, the full report as a file, the job summary, annotations for
 * failed users (at most ten, as GitHub shows ten per step) and the verdict.
 */
import type { UserResult } from '../model/user-result.js';
import { countOutcomes } from './outcome-counts.js';
import type { Redactor } from './redaction.js';
import { compactReportJson, reportJson } from './report-json.js';
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

export async function publish(
  results: readonly UserResult[],
  context: ReportContext,
  out: ActionOutput,
  redactor: Redactor,
): Promise<void> {
  const counts = countOutcomes(results);
  out.setOutput('rotated', counts.rotated);
  out.setOutput('failed', counts.failed);
  out.setOutput('deferred', counts.deferred);
  out.setOutput('report', redactor.redact(compactReportJson(results)));
  out.setOutput('report-file', out.writeReportFile(redactor.redact(reportJson(results))));
  await out.writeSummary(redactor.redact(summaryMarkdown(results, context)));
  annotateFailures(results, out, redactor);
  if (counts.failed > 0) {
    out.setFailed(`${counts.failed} of ${results.length} user(s) failed; see the job summary`);
  }
}

function annotateFailures(
  results: readonly UserResult[],
  out: ActionOutput,
  redactor: Redactor,
): void {
  const failed = results.filter((result) => result.outcome === 'failed');
  // One place is left for the verdict, which is an annotation too.
  const shown = failed.length > MAX_ANNOTATIONS - 1 ? MAX_ANNOTATIONS - 2 : failed.length;
  for (const r of failed.slice(0, shown)) {
    const who = r.account ? `${r.account}/${r.user}` : r.user;
    out.error(redactor.redact(`${who}: ${r.message}`));
  }
  if (failed.length > shown) {
    out.error(`${failed.length - shown} more user(s) failed; the job summary lists them all`);
  }
}
