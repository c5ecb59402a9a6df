/**
 * Telling people: moto serves SES v2 (sent mail is read from its backend), the GitHub stand-in
 * serves the issues endpoints, validated against GitHub's OpenAPI description. A failing run sends
 * one email naming the failed user; a healthy run sends none; across failing, failing, healthy
 * runs exactly one issue is opened, updated, then closed; no email or issue holds a secret.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../emulators/action-runner.mjs';
import { TOKEN, expectNoLeaks, startWorld, type World } from './support/world.js';

const SENDER = 'rotation@example.com';
const RECIPIENTS = 'ops@example.com, security@example.com';
const SECRETS_ONLY = 'ghs_standinSecretsOnlyToken0123';
const policy = (name: string) =>
  JSON.parse(readFileSync(`${repoRoot}/examples/${name}.json`, 'utf8')) as Record<string, unknown>;

let world: World;
const runs: Awaited<ReturnType<World['run']>>[] = [];
let runNumber = 100;

beforeAll(async () => {
  world = await startWorld({
    users: [
      {
        name: 'notifier',
        keys: [{ status: 'Active', ageDays: 1 }],
        inlinePolicies: { rotation: policy('iam-policy'), email: policy('iam-policy-email') },
      },
      // Two active stale keys and no record: it fails until a person deactivates one.
      {
        name: 'stuck',
        path: '/rotated/',
        keys: [
          { status: 'Active', ageDays: 200 },
          { status: 'Active', ageDays: 150 },
        ],
      },
      { name: 'fine', path: '/rotated/', keys: [{ status: 'Active', ageDays: 10 }] },
    ],
    sesIdentities: [SENDER],
    tokens: { [SECRETS_ONLY]: 'secrets-only' },
    repositories: [
      { owner: 'octo', repo: 'app', id: 1 },
      { owner: 'octo', repo: 'stuck', id: 2 },
      { owner: 'octo', repo: 'fine', id: 3 },
    ],
  });
});
afterAll(async () => world?.stop());
afterEach(() => {
  for (const run of runs) expect(expectNoLeaks(world, run)).toEqual([]);
  expect(world.github.violations).toEqual([]);
  runs.length = 0;
});

const CONFIG = (users: string[]) =>
  `users:\n${users.map((u) => `  - name: ${u}\n    targets:\n      - repository: octo/${u}\n`).join('')}`;

async function runWith(users: string[], inputs: Record<string, string> = {}) {
  const notifier = world.moto.state.users['notifier']![0]!;
  const run = await world.run(
    {
      'github-token': TOKEN,
      config: 'rotation.yml',
      'notify-email-to': RECIPIENTS,
      'notify-email-from': SENDER,
      'notify-issue': 'true',
      ...inputs,
    },
    {
      inputs: {},
      files: { 'rotation.yml': CONFIG(users) },
      env: {
        AWS_ACCESS_KEY_ID: notifier.accessKeyId,
        AWS_SECRET_ACCESS_KEY: notifier.secretAccessKey,
        AWS_ENDPOINT_URL_SESV2: world.moto.endpoint,
        GITHUB_RUN_ID: `${runNumber++}`,
      },
    },
  );
  runs.push(run);
  return run;
}

/** No email or issue text holds a secret of the world (seeded, written, tokens). */
async function expectNoSecretsIn(texts: string[]) {
  const all = texts.join('\n');
  for (const secret of world.secretValues()) expect(all.includes(secret)).toBe(false);
}

describe('email and issue across failing, failing, healthy runs', () => {
  it('opens one issue and sends one email when a user fails, naming it and linking the run', async () => {
    const run = await runWith(['stuck', 'fine']);
    expect(run.code).toBe(1);
    const mails = await world.moto.sentEmails();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      from: SENDER,
      to: ['ops@example.com', 'security@example.com'],
    });
    expect(mails[0]!.subject).toMatch(/needs attention/);
    expect(mails[0]!.text).toContain('Failed: stuck: two active keys');
    expect(mails[0]!.text).toContain('https://github.com/octo/app/actions/runs/100');
    expect(mails[0]!.html).toContain('<li>Failed: stuck');
    const issues = world.github.listIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ state: 'open' });
    expect(issues[0]!.labels).toEqual(['key-rotation']);
    expect(run.summary).toMatch(/_Email sent to 2 address\(es\)._/);
    expect(run.summary).toMatch(/_Opened issue #\d+: /);
  });

  it('updates the same issue and comments when the next run fails too', async () => {
    const run = await runWith(['stuck', 'fine']);
    expect(run.code).toBe(1);
    const issues = world.github.listIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.comments).toHaveLength(1);
    expect(issues[0]!.body).toContain('runs/101');
    expect(await world.moto.sentEmails()).toHaveLength(2);
  });

  it('closes the issue on the first healthy run, and sends no email by default', async () => {
    const run = await runWith(['fine']);
    expect(run.code).toBe(0);
    const issues = world.github.listIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ state: 'closed' });
    expect(issues[0]!.comments).toHaveLength(2);
    expect(await world.moto.sentEmails()).toHaveLength(2);
    const texts = [
      ...(await world.moto.sentEmails()).flatMap((m) => [
        m.subject ?? '',
        m.text ?? '',
        m.html ?? '',
      ]),
      ...world.github
        .listIssues()
        .flatMap((i) => [i.title, i.body ?? '', ...i.comments.map((c) => c.body ?? '')]),
    ];
    await expectNoSecretsIn(texts);
  });

  it('emails a healthy run too with notify-on: always', async () => {
    await runWith(['fine'], { 'notify-on': 'always' });
    const mails = await world.moto.sentEmails();
    expect(mails).toHaveLength(3);
    expect(mails[2]!.subject).toMatch(/all well/);
  });
});

describe('a notification that fails never changes the outcome', () => {
  it('reports a send it may not make as a warning, and the run still succeeds', async () => {
    // The policy allows ses:SendEmail on the verified sender's identity only.
    const run = await runWith(['fine'], {
      'notify-email-from': 'nobody@example.com',
      'notify-on': 'always',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /::warning::the email failed: .*need ses:SendEmail on the SES identity of nobody@example.com/,
    );
    expect(run.summary).toMatch(/> \[!WARNING\]\n> the email failed/);
  });

  it('explains a token that may not write issues', async () => {
    const run = await runWith(['stuck'], { 'github-token': SECRETS_ONLY });
    expect(run.code).toBe(1); // the user failed; the issue did not change that
    expect(run.stdout).toMatch(/::warning::the issue failed: .*Issues: Read and write/);
  });
});
