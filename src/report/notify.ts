/**
 * Tells people: an email when the run needs attention (or always), and one GitHub issue that
 * opens, updates and closes itself. A failed notification is reported, never fatal: it changes
 * nothing of the rotation's outcome.
 */
import { messageOf } from '../model/errors.js';
import type { EmailSender, IssueTracker } from '../model/notifications.js';
import type { NotifySettings } from '../model/settings.js';
import type { Attention } from './attention.js';
import {
  ISSUE_TITLE,
  emailText,
  issueBody,
  issueCloseComment,
  issueUpdateComment,
  type RunLink,
} from './notification-text.js';
import type { Redactor } from './redaction.js';

export interface Notifiers {
  readonly email?: EmailSender | undefined;
  readonly issues?: IssueTracker | undefined;
}

/** What was done, for the summary: one line each; `problem` when it failed. */
export interface NotifyReport {
  readonly lines: readonly string[];
  readonly problems: readonly string[];
}

export async function notify(
  attention: Attention,
  settings: NotifySettings,
  notifiers: Notifiers,
  context: { readonly run: RunLink; readonly redactor: Redactor },
): Promise<NotifyReport> {
  const lines: string[] = [];
  const problems: string[] = [];
  const attempt = async (what: string, work: () => Promise<string | undefined>) => {
    try {
      const done = await work();
      if (done) lines.push(done);
    } catch (error) {
      problems.push(`${what} failed: ${context.redactor.redact(messageOf(error))}`);
    }
  };
  if (
    notifiers.email &&
    settings.emailFrom &&
    (settings.on === 'always' || attention.needsAttention)
  ) {
    const { email } = notifiers;
    const from = settings.emailFrom;
    await attempt('the email', async () => {
      const text = emailText(attention, context.run);
      const redacted = {
        subject: context.redactor.redact(text.subject),
        text: context.redactor.redact(text.text),
        html: context.redactor.redact(text.html),
      };
      await email.send({ from, to: settings.emailTo, ...redacted });
      return `Email sent to ${settings.emailTo.length} address(es).`;
    });
  }
  if (notifiers.issues && settings.issue) {
    const { issues } = notifiers;
    await attempt('the issue', () => keepIssue(issues, attention, context));
  }
  return { lines, problems };
}

async function keepIssue(
  issues: IssueTracker,
  attention: Attention,
  context: { readonly run: RunLink; readonly redactor: Redactor },
): Promise<string | undefined> {
  const redact = (text: string) => context.redactor.redact(text);
  const open = await issues.findOpen();
  if (!attention.needsAttention) {
    if (!open) return undefined;
    await issues.close(open, redact(issueCloseComment(attention, context.run)));
    return `Closed issue #${open.number}: nothing needs attention.`;
  }
  const body = redact(issueBody(attention, context.run));
  if (!open) {
    const issue = await issues.open(ISSUE_TITLE, body);
    return `Opened issue #${issue.number}: ${issue.url}`;
  }
  await issues.update(open, { body });
  await issues.comment(open, redact(issueUpdateComment(attention, context.run)));
  return `Updated issue #${open.number}: ${open.url}`;
}
