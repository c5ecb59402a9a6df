/** Issue and comment bodies within GitHub's limit, cut at a line and never inside a code block. */

/** GitHub refuses an issue or comment body longer than this many characters. */
export const ISSUE_BODY_LIMIT = 65_536;

const NOTE = `\n\n*(cut short: GitHub takes at most ${ISSUE_BODY_LIMIT.toLocaleString('en-US')} characters)*`;
const CLOSE_FENCE = '\n```';

/** `text` when it fits, otherwise its head with a note saying it was cut. */
export function boundIssueBody(text: string, limit: number = ISSUE_BODY_LIMIT): string {
  if (text.length <= limit) return text;
  let cut = limit - NOTE.length - CLOSE_FENCE.length;
  // Never split a character that takes two UTF-16 units.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  let head = text.slice(0, cut);
  // End at a whole line when one ends near the cut.
  const lineEnd = head.lastIndexOf('\n');
  if (lineEnd > cut / 2) head = head.slice(0, lineEnd);
  // A cut inside a code block would swallow the note into it.
  const fences = head.match(/^ {0,3}```/gm)?.length ?? 0;
  return head + (fences % 2 === 1 ? CLOSE_FENCE : '') + NOTE;
}
