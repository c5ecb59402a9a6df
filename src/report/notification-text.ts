/**
 * The email and the issue, rendered from the attention model (pure). Plain words, a link to the
 * run, never a secret (published text is redacted too), bounded for any number of users.
 */
import { attentionLines, type Attention } from './attention.js';

export interface RunLink {
  /** e.g. octo/ops */
  readonly repository: string;
  /** https://github.com/octo/ops/actions/runs/123 */
  readonly url: string;
}

export interface EmailText {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function emailText(attention: Attention, run: RunLink): EmailText {
  const lines = attentionLines(attention);
  const state = attention.needsAttention ? 'needs attention' : 'all well';
  const subject = `AWS key rotation in ${run.repository}: ${state} (${attention.countsLine})`;
  const intro = attention.needsAttention
    ? 'The scheduled AWS access key rotation needs a person:'
    : 'The scheduled AWS access key rotation ran; nothing needs attention.';
  const tally = `${attention.users} user(s): ${attention.countsLine}.`;
  const text = [intro, '', ...lines.map((l) => `- ${l}`), '', tally, '', `The run: ${run.url}`]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    lines.length > 0 ? `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '',
    `<p>${escapeHtml(tally)}</p>`,
    `<p><a href="${escapeHtml(run.url)}">The run</a></p>`,
  ].join('\n');
  return { subject, text, html };
}

export const ISSUE_TITLE = 'AWS access key rotation needs attention';

/** The issue's body: what needs attention now (replaced on every failing run). */
export function issueBody(attention: Attention, run: RunLink): string {
  return [
    'The scheduled AWS access key rotation needs a person. This issue is kept up to date by the',
    'action and closed by the first run that needs nothing.',
    '',
    ...attentionLines(attention).map((line) => `- ${line}`),
    '',
    `${attention.users} user(s): ${attention.countsLine}. Latest run: ${run.url}`,
  ].join('\n');
}

export function issueUpdateComment(attention: Attention, run: RunLink): string {
  return `Still needs attention after ${run.url} (${attention.countsLine}); the description lists what.`;
}

export function issueCloseComment(attention: Attention, run: RunLink): string {
  return `Nothing needs attention after ${run.url} (${attention.countsLine}): closing.`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
