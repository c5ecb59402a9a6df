/**
 * One model of what needs attention, three renderings: the summary, the email and the issue say
 * the same things; the issue opens, updates and closes itself; a failed send changes nothing.
 */
import { describe, expect, it } from '@jest/globals';
import type { EmailMessage, IssueTracker, TrackedIssue } from '../../../src/model/notifications.js';
import type { UserResult } from '../../../src/model/user-result.js';
import { attentionOf, LISTED } from '../../../src/report/attention.js';
import { emailText, issueBody } from '../../../src/report/notification-text.js';
import { notify } from '../../../src/report/notify.js';
import { Redactor } from '../../../src/report/redaction.js';
import { summaryMarkdown } from '../../../src/report/summary.js';
import { DEFAULT_POLICY } from '../support/fixtures.js';

const run = { repository: 'octo/ops', url: 'https://github.com/octo/ops/actions/runs/7' };
const user = (name: string, outcome: UserResult['outcome'], message = 'ok'): UserResult => ({
  account: 'prod',
  user: name,
  outcome,
  message,
  deletedKeyIds: [],
  deactivatedKeyIds: [],
  targets: [],
});
const inUse: UserResult = {
  ...user('queued', 'waiting'),
  newKeyId: 'AKIANEWKEY',
  keptInUse: {
    id: 'AKIAOLDKEY',
    status: 'Active',
    ageDays: 100,
    lastUsedAt: '2026-06-01T10:00:00Z',
    lastUsedService: 's3',
    lastUsedRegion: 'eu-west-1',
  },
};
const settings = {
  emailTo: ['ops@example.com', 'sec@example.com'],
  emailFrom: 'rotation@example.com',
  on: 'failure' as const,
  issue: true,
};

class FakeIssues implements IssueTracker {
  issues: { number: number; body: string; open: boolean; comments: string[] }[] = [];
  async findOpen(): Promise<TrackedIssue | undefined> {
    const issue = this.issues.find((i) => i.open);
    return issue && { number: issue.number, title: 't', url: `u/${issue.number}` };
  }
  async open(_title: string, body: string): Promise<TrackedIssue> {
    const number = this.issues.length + 1;
    this.issues.push({ number, body, open: true, comments: [] });
    return { number, title: 't', url: `u/${number}` };
  }
  async update(issue: TrackedIssue, change: { body: string }) {
    this.issues[issue.number - 1]!.body = change.body;
  }
  async comment(issue: TrackedIssue, body: string) {
    this.issues[issue.number - 1]!.comments.push(body);
  }
  async close(issue: TrackedIssue, comment: string) {
    await this.comment(issue, comment);
    this.issues[issue.number - 1]!.open = false;
  }
}

describe('notify', () => {
  it('sends one email naming the failed user, and keeps one issue: opened, updated, closed', async () => {
    const sent: EmailMessage[] = [];
    const issues = new FakeIssues();
    const notifiers = { email: { send: async (m: EmailMessage) => void sent.push(m) }, issues };
    const context = { run, redactor: new Redactor(() => undefined) };
    const failing = attentionOf([
      user('ci', 'failed', 'a target cannot be written'),
      user('app', 'rotated'),
    ]);
    const first = await notify(failing, settings, notifiers, context);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: 'rotation@example.com', to: settings.emailTo });
    // One account: users are named without it.
    expect(sent[0]!.text).toContain('Failed: ci: a target cannot be written');
    expect(first.lines).toEqual(['Email sent to 2 address(es).', 'Opened issue #1: u/1']);
    const second = await notify(failing, settings, notifiers, context);
    expect(second.lines[1]).toBe('Updated issue #1: u/1');
    const healthy = await notify(attentionOf([user('app', 'fresh')]), settings, notifiers, context);
    expect(healthy.lines).toEqual(['Closed issue #1: nothing needs attention.']);
    expect(sent).toHaveLength(2); // none for the healthy run
    expect(issues.issues).toHaveLength(1);
    expect(issues.issues[0]!.open).toBe(false);
    expect(issues.issues[0]!.comments).toHaveLength(2);
  });

  it('emails every run with notify-on: always, and never a secret', async () => {
    const sent: EmailMessage[] = [];
    const redactor = new Redactor(() => undefined);
    redactor.add('s3cr3t/VALUE');
    await notify(
      attentionOf([user('app', 'failed', 'boom s3cr3t/VALUE')]),
      { ...settings, issue: false },
      { email: { send: async (m) => void sent.push(m) } },
      { run, redactor },
    );
    await notify(
      attentionOf([user('app', 'fresh')]),
      { ...settings, on: 'always', issue: false },
      { email: { send: async (m) => void sent.push(m) } },
      { run, redactor },
    );
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(sent)).not.toContain('s3cr3t/VALUE');
    expect(sent[1]!.subject).toMatch(/all well/);
  });

  it('reports a failed send and goes on', async () => {
    const report = await notify(
      attentionOf([user('app', 'failed')]),
      settings,
      {
        email: { send: async () => Promise.reject(new Error('the sender is not verified in SES')) },
        issues: new FakeIssues(),
      },
      { run, redactor: new Redactor(() => undefined) },
    );
    expect(report.problems).toEqual(['the email failed: the sender is not verified in SES']);
    expect(report.lines).toEqual(['Opened issue #1: u/1']);
  });
});

describe('one model, three renderings', () => {
  // Two accounts: users are named with theirs.
  const results = [
    user('ci', 'failed', 'two active keys'),
    inUse,
    { ...user('app', 'rotated'), account: 'sandbox' },
  ];
  const attention = attentionOf(results);

  it('say the same things', () => {
    const summary = summaryMarkdown(
      results,
      { policy: DEFAULT_POLICY, dryRun: false, serverUrl: 'https://github.com' },
      { attention },
    );
    const mail = emailText(attention, run);
    const body = issueBody(attention, run);
    for (const text of [summary, mail.text, body]) {
      expect(text).toContain('prod/ci');
      expect(text).toContain('AKIAOLDKEY');
      expect(text).toMatch(/by s3 in eu-west-1/);
    }
    expect(mail.html).toContain('<li>Failed: prod/ci: two active keys</li>');
    expect(mail.text).toContain(run.url);
    expect(body).toContain(run.url);
  });

  it('stay bounded for any number of users', () => {
    const many = attentionOf(
      Array.from({ length: 5000 }, (_, i) => user(`u${i}`, 'failed', 'x'.repeat(2000))),
    );
    const mail = emailText(many, run);
    expect(mail.text.length).toBeLessThan(20_000);
    expect(mail.text).toContain(`… and ${5000 - LISTED} more failed user(s)`);
    expect(issueBody(many, run).length).toBeLessThan(65_536);
  });
});
