/** Sends notification e-mail through Amazon SES (API v2); failures say what to fix in SES. */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { messageOf } from '../model/errors.js';
import type { EmailMessage, EmailSender } from '../model/notifications.js';

/** SES refuses a message with more recipients than this. */
export const SES_MAX_RECIPIENTS = 50;

const UTF8 = 'UTF-8';

export function createEmailSender(client: SESv2Client): EmailSender {
  return {
    async send(message) {
      checkRecipients(message.to);
      try {
        await client.send(new SendEmailCommand(simpleEmail(message)));
      } catch (error) {
        const region = await client.config.region().catch(() => 'its region');
        throw new Error(
          `SES did not send the e-mail from ${message.from}: ${adviceFor(error, message.from, region)}`,
        );
      }
    },
  };
}

function checkRecipients(to: readonly string[]): void {
  if (to.length === 0) throw new Error('an e-mail needs at least one recipient');
  if (to.length > SES_MAX_RECIPIENTS) {
    throw new Error(
      `SES sends one message to at most ${SES_MAX_RECIPIENTS} recipients (got ${to.length})`,
    );
  }
}

function simpleEmail(message: EmailMessage) {
  return {
    FromEmailAddress: message.from,
    Destination: { ToAddresses: [...message.to] },
    Content: {
      Simple: {
        Subject: { Data: message.subject, Charset: UTF8 },
        Body: {
          Text: { Data: message.text, Charset: UTF8 },
          Html: { Data: message.html, Charset: UTF8 },
        },
      },
    },
  };
}

function adviceFor(error: unknown, from: string, region: string): string {
  const said = messageOf(error).replace(/\.$/, '');
  const name = error instanceof Error ? error.name : '';
  if (name === 'MessageRejected') {
    return (
      `${said}. The sender ${from} (or its domain) must be a verified identity in SES in ` +
      `${region}; while the account is in the SES sandbox, every recipient must be verified too`
    );
  }
  if (name === 'MailFromDomainNotVerifiedException') {
    return `${said}. Verify the custom MAIL FROM domain of ${from} in SES in ${region}`;
  }
  if (/^AccessDenied/.test(name)) {
    return (
      `AWS denied the request: ${said}. The credentials the action runs with need ` +
      `ses:SendEmail on the SES identity of ${from} in ${region}`
    );
  }
  if (name === 'AccountSuspendedException' || name === 'SendingPausedException') {
    return `${said}. Sending is paused for this account in SES in ${region}`;
  }
  return said;
}
