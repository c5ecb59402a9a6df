/** The notification inputs: an email through Amazon SES, and one GitHub issue. */
import type { NotifySettings } from '../model/settings.js';
import { parseBoolean, parseChoice, type InputReader, type Problems } from './input-parsing.js';

// Deliberately simple: SES checks deliverability; this catches typos like a missing @.
const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+\.[^\s@,<>]+$/;

export function readNotify(
  input: InputReader,
  problems: Problems,
  workflowRepository: string | undefined,
): NotifySettings {
  const emailTo = input('notify-email-to')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  for (const address of emailTo) {
    if (!EMAIL.test(address))
      problems.add('notify-email-to', `"${address}" is not an email address`);
  }
  if (emailTo.length > 50)
    problems.add('notify-email-to', 'lists more than 50 addresses (SES sends to at most 50)');
  const from = input('notify-email-from') || undefined;
  if (from && !EMAIL.test(from))
    problems.add('notify-email-from', `"${from}" is not an email address`);
  if (emailTo.length > 0 && !from) {
    problems.add(
      'notify-email-from',
      'is required with notify-email-to (an address SES has verified)',
    );
  }
  const issue = parseBoolean(input, 'notify-issue', problems);
  if (issue && !workflowRepository) {
    problems.add(
      'notify-issue',
      "needs the workflow's repository (GITHUB_REPOSITORY) to keep its issue in",
    );
  }
  return {
    emailTo,
    emailFrom: from,
    on: parseChoice(input, 'notify-on', ['failure', 'always'], problems),
    issue,
  };
}
