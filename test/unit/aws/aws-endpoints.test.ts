/**
 * The clients go where AWS_ENDPOINT_URL_<SERVICE> says, as the SDK promises (it derives the
 * name from the service id: "SESv2" -> SESV2, "STS" -> STS): checked on the wire.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccountSessions } from '../../../src/aws/account-sessions.js';
import { createCallerStsClient } from '../../../src/aws/aws-clients.js';
import { createEmailSender } from '../../../src/aws/email-sender.js';
import { createSesClient } from '../../../src/aws/ses-client.js';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** A local server that records requests and answers each with `answer`. */
async function localServer(contentType: string, answer: string) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': contentType });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => server.close() };
}

const saved = { ...process.env };
function useEnv(vars: Record<string, string>): void {
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_SESV2;
  delete process.env.AWS_ENDPOINT_URL_STS;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'fake-key-id-for-tests',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
    ...vars,
  });
}
afterEach(() => {
  process.env = { ...saved };
});

describe('createSesClient', () => {
  it.each(['AWS_ENDPOINT_URL_SESV2', 'AWS_ENDPOINT_URL'])('honours %s', async (variable) => {
    const server = await localServer('application/json', '{"MessageId":"local-1"}');
    useEnv({ [variable]: server.url });
    const client = createSesClient('eu-west-1');
    try {
      await createEmailSender(client).send({
        from: 'a@example.com',
        to: ['b@example.com'],
        subject: 's',
        text: 't',
        html: '<p>h</p>',
      });
    } finally {
      client.destroy();
      server.close();
    }
    expect(server.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v2/email/outbound-emails',
    ]);
    expect(JSON.parse(server.seen[0]!.body)).toMatchObject({ FromEmailAddress: 'a@example.com' });
  });
});

describe('the STS client that assumes account roles', () => {
  it('honours AWS_ENDPOINT_URL_STS', async () => {
    const server = await localServer('text/xml', ASSUME_ROLE_XML);
    useEnv({ AWS_ENDPOINT_URL_STS: server.url });
    const sts = createCallerStsClient('us-east-1');
    try {
      const accounts = createAccountSessions({
        accounts: { prod: { roleArn: ROLE } },
        region: 'us-east-1',
        sessionName: 'key-rotation-local',
        sts,
      });
      expect((await accounts.credentialsFor('prod')).accessKeyId).toBe('ASIAFROMLOCAL');
    } finally {
      sts.destroy();
      server.close();
    }
    const form = new URLSearchParams(server.seen[0]!.body);
    expect([form.get('Action'), form.get('RoleArn')]).toEqual(['AssumeRole', ROLE]);
  });
});

const ROLE = 'arn:aws:iam::111111111111:role/key-rotation';
const ASSUME_ROLE_XML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAFROMLOCAL</AccessKeyId>
      <SecretAccessKey>fake-secret</SecretAccessKey>
      <SessionToken>fake-token</SessionToken>
      <Expiration>2026-06-01T13:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser><Arn>${ROLE}/s</Arn><AssumedRoleId>AROAFAKE:s</AssumedRoleId></AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
