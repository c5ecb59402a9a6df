import { beforeEach, describe, expect, it } from '@jest/globals';
import { MessageRejected, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { createEmailSender } from '../../../src/aws/email-sender.js';
import type { EmailMessage } from '../../../src/model/notifications.js';

const sesMock = mockClient(SESv2Client);
const client = new SESv2Client({ region: 'eu-west-1' });
const message: EmailMessage = {
  from: 'rotation@example.com',
  to: ['ops@example.com', 'sec@example.com'],
  subject: 'Key rotation: 1 user needs attention – ü',
  text: 'plain',
  html: '<p>html</p>',
};

beforeEach(() => {
  sesMock.reset();
});

describe('email sender', () => {
  it('sends one simple message with subject, text and HTML in UTF-8', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await createEmailSender(client).send(message);
    expect(sesMock.commandCalls(SendEmailCommand).map((c) => c.args[0].input)).toEqual([
      {
        FromEmailAddress: 'rotation@example.com',
        Destination: { ToAddresses: ['ops@example.com', 'sec@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Key rotation: 1 user needs attention – ü', Charset: 'UTF-8' },
            Body: {
              Text: { Data: 'plain', Charset: 'UTF-8' },
              Html: { Data: '<p>html</p>', Charset: 'UTF-8' },
            },
          },
        },
      },
    ]);
  });

  it('says the sender must be verified in SES in the region when SES rejects it', async () => {
    sesMock.on(SendEmailCommand).rejects(
      new MessageRejected({
        message:
          'Email address is not verified. The following identities failed the check in region EU-WEST-1: rotation@example.com.',
        $metadata: {},
      }),
    );
    await expect(createEmailSender(client).send(message)).rejects.toThrow(
      'SES did not send the e-mail from rotation@example.com: Email address is not verified. ' +
        'The following identities failed the check in region EU-WEST-1: rotation@example.com. ' +
        'The sender rotation@example.com (or its domain) must be a verified identity in SES in ' +
        'eu-west-1; while the account is in the SES sandbox, every recipient must be verified too',
    );
  });

  it('names ses:SendEmail when AWS denies the call', async () => {
    sesMock.on(SendEmailCommand).rejects(
      Object.assign(
        new Error('User: arn:aws:iam::1:user/r is not authorized to perform: ses:SendEmail'),
        {
          name: 'AccessDeniedException',
        },
      ),
    );
    await expect(createEmailSender(client).send(message)).rejects.toThrow(
      /AWS denied the request: .*ses:SendEmail\. The credentials the action runs with need ses:SendEmail on the SES identity of rotation@example\.com in eu-west-1$/,
    );
  });

  it('keeps other SES messages as they are', async () => {
    sesMock.on(SendEmailCommand).rejects(
      Object.assign(new Error('Maximum sending rate exceeded.'), {
        name: 'TooManyRequestsException',
      }),
    );
    await expect(createEmailSender(client).send(message)).rejects.toThrow(
      'SES did not send the e-mail from rotation@example.com: Maximum sending rate exceeded',
    );
  });

  it('refuses a message SES could not take, without calling it', async () => {
    const sender = createEmailSender(client);
    await expect(sender.send({ ...message, to: [] })).rejects.toThrow('at least one recipient');
    const many = Array.from({ length: 51 }, (_, i) => `r${i}@example.com`);
    await expect(sender.send({ ...message, to: many })).rejects.toThrow(
      'SES sends one message to at most 50 recipients (got 51)',
    );
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
