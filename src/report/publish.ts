/** Publishes the results: outputs, the job summary, an annotation per failed user, the verdict. */
import type { UserResult } from '../model/user-result.js';
import { countOutcomes } from './outcome-counts.js';
import type { Redactor } from './redaction.js';
import { reportJson } from './report-json.js';
import { summaryMarkdown, type ReportContext } from './summary.js';

/** Where published text goes: the runner's outputs, summary and annotations (@actions/core). */
export interface ActionOutput {
  setOutput(name: string, value: string | number): void;
  writeSummary(markdown: string): Promise<void>;
  error(message: string): void;
  setFailed(message: string): void;
}

export async function publish(
  results: readonly UserResult[],
  context: ReportContext,
  out: ActionOutput,
  redactor: Redactor,
): Promise<void> {
  const { rotated, failed } = countOutcomes(results);
  out.setOutput('rotated', rotated);
  out.setOutput('failed', failed);
  out.setOutput('report', redactor.redact(reportJson(results)));
  await out.writeSummary(redactor.redact(summaryMarkdown(results, context)));
  for (const r of results.filter((result) => result.outcome === 'failed')) {
    out.error(redactor.redact(`${r.user}: ${r.message}`));
  }
  if (failed > 0)
    out.setFailed(`${failed} of ${results.length} user(s) failed; see the job summary`);
}
