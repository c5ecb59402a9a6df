/** The SES client goes where AWS_ENDPOINT_URL_SESV2 says, as the SDK promises: checked on the wire. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmailSender } from '../../../src/aws/email-sender.js';
import { createSesClient } from '../../../src/aws/ses-client.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

async function serveOnce(): Promise<{
  url: string;
  request: Promise<{ req: IncomingMessage; body: string }>;
}> {
  let received!: (value: { req: IncomingMessage; body: string }) => void;
  const request = new Promise<{ req: IncomingMessage; body: string }>((r) => (received = r));
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ MessageId: 'local-1' }));
      received({ req, body });
      server.close();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, request };
}

describe('createSesClient', () => {
  it.each(['AWS_ENDPOINT_URL_SESV2', 'AWS_ENDPOINT_URL'])('honours %s', async (variable) => {
    const server = await serveOnce();
    delete process.env.AWS_ENDPOINT_URL_SESV2;
    delete process.env.AWS_ENDPOINT_URL;
    Object.assign(process.env, {
      [variable]: server.url,
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFORTESTS0000',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
    });
    const client = createSesClient('eu-west-1');
    await createEmailSender(client).send({
      from: 'a@example.com',
      to: ['b@example.com'],
      subject: 's',
      text: 't',
      html: '<p>h</p>',
    });
    client.destroy();
    const { req, body } = await server.request;
    expect(`${req.method} ${req.url}`).toBe('POST /v2/email/outbound-emails');
    expect(JSON.parse(body)).toMatchObject({ FromEmailAddress: 'a@example.com' });
  });
});
