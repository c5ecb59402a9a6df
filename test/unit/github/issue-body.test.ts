import { describe, expect, it } from '@jest/globals';
import { boundIssueBody, ISSUE_BODY_LIMIT } from '../../../src/github/issue-body.js';

describe('boundIssueBody', () => {
  it('keeps a body that fits, up to the limit exactly', () => {
    const full = 'a'.repeat(ISSUE_BODY_LIMIT);
    expect(boundIssueBody(full)).toBe(full);
  });

  it('cuts a longer body at a line and says so', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} of the report`).join('\n');
    const bounded = boundIssueBody(lines);
    expect(bounded.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
    expect(bounded).toMatch(
      /of the report\n\n\*\(cut short: GitHub takes at most 65,536 characters\)\*$/,
    );
    expect(lines.startsWith(bounded.slice(0, bounded.indexOf('\n\n*(cut short')))).toBe(true);
  });

  it.each([101, 102])('never splits a character made of two UTF-16 units (limit %i)', (limit) => {
    const bounded = boundIssueBody('😀'.repeat(ISSUE_BODY_LIMIT), limit);
    const head = bounded.slice(0, bounded.indexOf('\n\n*(cut short'));
    expect(head).toMatch(/^(😀)+$/u);
    expect(bounded.length).toBeLessThanOrEqual(limit);
  });

  it('closes a code block the cut falls into, so the note shows as text', () => {
    const text = '## Failures\n```\n' + 'error line\n'.repeat(10_000);
    const bounded = boundIssueBody(text);
    expect(bounded.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
    expect(bounded).toMatch(/error line\n```\n\n\*\(cut short/);
  });
});
