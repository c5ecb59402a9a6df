import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import sodium from 'libsodium-wrappers';
import { startGitHubStandIn } from '../emulators/github-standin/index.mjs';
import type { GitHubStandIn } from '../emulators/github-standin/index.mjs';
import { gate, waitFor } from './support/gate.js';

const WRITE = 'ghs_write';
const FORBIDDEN = 'ghs_forbidden';
const SECRETS_ONLY = 'github_pat_secrets_only';
const REPO_SECRETS = '/repos/octo/app/actions/secrets';
const ORG_SECRETS = '/orgs/octo/actions/secrets';

interface Reply {
  status: number;
  body: unknown;
}

let github: GitHubStandIn;

interface FullReply extends Reply {
  headers: Headers;
}

/** A request to the stand-in at `base`. */
async function callAt(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = WRITE,
): Promise<FullReply> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = WRITE,
): Promise<Reply> {
  const { status, body: answer } = await callAt(github.url, method, path, body, token);
  return { status, body: answer };
}

/** Fetches the scope's public key and seals the value with it, as the action does. */
async function sealFor(secretsPath: string, value: string, base = github.url) {
  const { body } = await callAt(base, 'GET', `${secretsPath}/public-key`);
  const { key, key_id } = body as { key: string; key_id: string };
  const publicKey = sodium.from_base64(key, sodium.base64_variants.ORIGINAL);
  const sealed = sodium.crypto_box_seal(value, publicKey);
  return {
    encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
    key_id,
  };
}

beforeAll(async () => {
  await sodium.ready;
  github = await startGitHubStandIn({
    tokens: { [WRITE]: 'write', [FORBIDDEN]: 'forbidden', [SECRETS_ONLY]: 'secrets-only' },
    repositories: [
      { owner: 'octo', repo: 'app', id: 101, environments: ['production'] },
      { owner: 'octo', repo: 'infra', id: 102 },
    ],
    organizations: ['octo'],
  });
});

afterEach(() => github.reset());
afterAll(() => github.close());

describe('GitHub stand-in', () => {
  it('rejects a PUT without key_id with 422 and records a violation', async () => {
    const { encrypted_value } = await sealFor(REPO_SECRETS, 'value');
    const reply = await call('PUT', `${REPO_SECRETS}/NO_KEY_ID`, { encrypted_value });
    expect(reply.status).toBe(422);
    expect((reply.body as { message: string }).message).toContain('key_id');
    expect(github.violations).toEqual([expect.stringContaining("required property 'key_id'")]);
    expect(github.getSecret({ owner: 'octo', repo: 'app', name: 'NO_KEY_ID' })).toBeUndefined();
  });

  it('decrypts a sealed box to the stored plaintext: 201 on create, 204 on update', async () => {
    const path = '/repos/octo/app/environments/production/secrets';
    const first = await call('PUT', `${path}/AWS_SECRET_ACCESS_KEY`, await sealFor(path, 'one'));
    const second = await call('PUT', `${path}/AWS_SECRET_ACCESS_KEY`, await sealFor(path, 'two'));
    expect([first.status, second.status]).toEqual([201, 204]);
    const ref = {
      owner: 'octo',
      repo: 'app',
      environment: 'production',
      name: 'AWS_SECRET_ACCESS_KEY',
    };
    expect(github.getSecret(ref)).toMatchObject({ value: 'two' });
    expect(github.getSecret(ref)?.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const metadata = await call('GET', `${path}/AWS_SECRET_ACCESS_KEY`);
    expect(metadata.body).toEqual({
      name: 'AWS_SECRET_ACCESS_KEY',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(github.violations).toEqual([]);
  });

  it('rejects a sealed box made for a different key id with 422 and stores nothing', async () => {
    const body = { ...(await sealFor(REPO_SECRETS, 'value')), key_id: '1234' };
    const reply = await call('PUT', `${REPO_SECRETS}/WRONG_KEY`, body);
    expect(reply.status).toBe(422);
    expect(github.getSecret({ owner: 'octo', repo: 'app', name: 'WRONG_KEY' })).toBeUndefined();
    expect(github.violations).toEqual([]);
  });

  it('rejects a box sealed with another public key with 422', async () => {
    const { key_id } = await sealFor(REPO_SECRETS, 'value');
    const other = sodium.crypto_box_keypair();
    const sealed = sodium.crypto_box_seal('value', other.publicKey);
    const encrypted_value = sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
    const reply = await call('PUT', `${REPO_SECRETS}/OTHER_KEY`, { encrypted_value, key_id });
    expect(reply.status).toBe(422);
  });

  it('answers 401 to unknown or missing tokens and 403 to forbidden ones', async () => {
    const path = `${REPO_SECRETS}/public-key`;
    expect(await call('GET', path, undefined, 'ghp_unknown')).toMatchObject({
      status: 401,
      body: { message: 'Bad credentials' },
    });
    expect((await call('GET', path, undefined, null)).status).toBe(401);
    expect(await call('GET', path, undefined, FORBIDDEN)).toMatchObject({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
  });

  it('answers 404 to unknown repositories and records paths the spec subset lacks', async () => {
    expect((await call('GET', '/repos/octo/missing/actions/secrets/public-key')).status).toBe(404);
    expect(github.violations).toEqual([]);
    expect((await call('GET', '/repos/octo/app/actions/secrets')).status).toBe(404);
    expect(github.violations).toHaveLength(1);
  });

  it('serves an injected 5xx without changing state, then handles the retry', async () => {
    const path = `${REPO_SECRETS}/FLAKY`;
    const body = await sealFor(REPO_SECRETS, 'flaky value');
    github.injectFault({ method: 'PUT', path, response: { status: 502, body: { message: 'x' } } });
    expect((await call('PUT', path, body)).status).toBe(502);
    expect(github.getSecret({ owner: 'octo', repo: 'app', name: 'FLAKY' })).toBeUndefined();
    expect((await call('PUT', path, body)).status).toBe(201);
    expect(github.getSecret({ owner: 'octo', repo: 'app', name: 'FLAKY' })?.value).toBe(
      'flaky value',
    );
    const puts = github.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => [r.status, r.fault ?? false])).toEqual([
      [502, true],
      [201, false],
    ]);
    expect(github.countByRoute()['PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}']).toBe(
      2,
    );
  });

  it('can drop a connection after skipping the first matching request', async () => {
    const path = `${REPO_SECRETS}/public-key`;
    github.injectFault({ path: /public-key$/, skip: 1, response: 'drop' });
    expect((await call('GET', path)).status).toBe(200);
    await expect(call('GET', path)).rejects.toThrow();
    expect((await call('GET', path)).status).toBe(200);
  });

  it('holds a request until the test opens it, then answers it as usual', async () => {
    const { until, open } = gate();
    github.injectFault({ path: /public-key$/, response: { until } });
    let answered = false;
    const held = call('GET', `${REPO_SECRETS}/public-key`).then((result) => {
      answered = true;
      return result;
    });
    await waitFor(() => github.requests.some((r) => r.fault));
    expect(answered).toBe(false);
    open();
    expect((await held).status).toBe(200);
  });

  it('stores visibility and repository ids of a selected organization secret', async () => {
    const body = {
      ...(await sealFor(ORG_SECRETS, 'org value')),
      visibility: 'selected',
      selected_repository_ids: [101, 102],
    };
    expect((await call('PUT', `${ORG_SECRETS}/ORG_SECRET`, body)).status).toBe(201);
    expect(github.getSecret({ org: 'octo', kind: 'actions', name: 'ORG_SECRET' })).toMatchObject({
      value: 'org value',
      visibility: 'selected',
      selectedRepositoryIds: [101, 102],
    });
    const metadata = await call('GET', `${ORG_SECRETS}/ORG_SECRET`);
    expect(metadata.body).toMatchObject({
      visibility: 'selected',
      selected_repositories_url: `${github.url}${ORG_SECRETS}/ORG_SECRET/repositories`,
    });
    const listed = await call('GET', `${ORG_SECRETS}/ORG_SECRET/repositories`);
    expect(listed.body).toMatchObject({ total_count: 2, repositories: [{ id: 101 }, { id: 102 }] });
    expect(github.violations).toEqual([]);
  });

  it('returns a repository that satisfies the Full Repository schema', async () => {
    const reply = await call('GET', '/repos/OCTO/App');
    expect(reply).toMatchObject({ status: 200, body: { id: 101, full_name: 'octo/app' } });
    expect(github.violations).toEqual([]);
  });
});

const ISSUES = '/repos/octo/app/issues';

interface IssueBody {
  number: number;
  title: string;
  body: string | null;
  state: string;
  state_reason: string | null;
  labels: { name: string; color: string }[];
  comments: number;
  closed_at: string | null;
  user: { login: string; type: string };
}

describe('GitHub stand-in: issues', () => {
  it('opens an issue, creating its missing label, and lists it', async () => {
    const created = await call('POST', ISSUES, {
      title: 'Key rotation failed for ci-deploy',
      body: 'AccessDenied',
      labels: ['key-rotation'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number: 1,
      state: 'open',
      state_reason: null,
      labels: [{ name: 'key-rotation', color: 'ededed' }],
      comments: 0,
      closed_at: null,
      user: { login: 'github-actions[bot]', type: 'Bot' },
    });
    const listed = await call('GET', `${ISSUES}?labels=key-rotation&state=open`);
    expect(listed.status).toBe(200);
    expect((listed.body as IssueBody[]).map((i) => i.number)).toEqual([1]);
    expect((await call('GET', `${ISSUES}?labels=other`)).body).toEqual([]);
    expect(github.violations).toEqual([]);
  });

  it('updates, comments on and closes an issue; listIssues() shows the whole story', async () => {
    const { body } = await call('POST', ISSUES, {
      title: 'Rotation blocked',
      labels: ['Key-Rotation'],
    });
    const number = (body as IssueBody).number;
    const patched = await call('PATCH', `${ISSUES}/${number}`, { body: 'Still blocked (run 2)' });
    expect(patched).toMatchObject({ status: 200, body: { body: 'Still blocked (run 2)' } });
    const comment = await call('POST', `${ISSUES}/${number}/comments`, {
      body: 'Run 3 failed too',
    });
    expect(comment).toMatchObject({ status: 201, body: { body: 'Run 3 failed too' } });
    const closed = await call('PATCH', `${ISSUES}/${number}`, {
      state: 'closed',
      state_reason: 'completed',
    });
    expect(closed.body).toMatchObject({ state: 'closed', state_reason: 'completed', comments: 1 });
    expect((closed.body as IssueBody).closed_at).toMatch(/Z$/);
    // The label exists once, whatever the case it was named in.
    expect((closed.body as IssueBody).labels).toEqual([
      expect.objectContaining({ name: 'key-rotation' }),
    ]);
    const comments = await call('GET', `${ISSUES}/${number}/comments`);
    expect((comments.body as { body: string }[]).map((c) => c.body)).toEqual(['Run 3 failed too']);
    const mine = github.listIssues().filter((i) => i.number === number);
    expect(mine).toEqual([
      {
        owner: 'octo',
        repo: 'app',
        number,
        title: 'Rotation blocked',
        body: 'Still blocked (run 2)',
        state: 'closed',
        stateReason: 'completed',
        labels: ['key-rotation'],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        closedAt: expect.any(String),
        comments: [
          {
            id: expect.any(Number),
            body: 'Run 3 failed too',
            createdAt: expect.any(String),
            updatedAt: expect.any(String),
          },
        ],
      },
    ]);
    expect(github.violations).toEqual([]);
  });

  it('lists by state, newest first, a page at a time', async () => {
    for (const title of ['third', 'fourth', 'fifth']) await call('POST', ISSUES, { title });
    const all = await callAt(github.url, 'GET', `${ISSUES}?state=all&per_page=2`);
    expect((all.body as IssueBody[]).map((i) => i.title)).toEqual(['fifth', 'fourth']);
    expect(all.headers.get('link')).toContain('rel="next"');
    const page3 = await call('GET', `${ISSUES}?state=all&per_page=2&page=3`);
    expect((page3.body as IssueBody[]).map((i) => i.number)).toEqual([1]);
    const open = await call('GET', ISSUES);
    expect((open.body as IssueBody[]).every((i) => i.state === 'open')).toBe(true);
    const closed = await call('GET', `${ISSUES}?state=closed`);
    expect((closed.body as IssueBody[]).map((i) => i.title)).toEqual(['Rotation blocked']);
    expect(github.violations).toEqual([]);
  });

  it('answers 404 for a missing issue or repository and 422 for an issue without a title', async () => {
    expect((await call('PATCH', `${ISSUES}/999`, { state: 'closed' })).status).toBe(404);
    expect((await call('POST', '/repos/octo/missing/issues', { title: 'x' })).status).toBe(404);
    expect((await call('POST', ISSUES, { body: 'no title' })).status).toBe(422);
    expect(github.violations).toEqual([expect.stringContaining("required property 'title'")]);
  });

  it("gives a 'secrets-only' token 403 on issues, and the secrets routes", async () => {
    for (const [method, path, body] of [
      ['GET', ISSUES, undefined],
      ['POST', ISSUES, { title: 'x' }],
      ['PATCH', `${ISSUES}/1`, { state: 'closed' }],
      ['POST', `${ISSUES}/1/comments`, { body: 'x' }],
      ['GET', `${ISSUES}/1/comments`, undefined],
    ] as const) {
      expect(await call(method, path, body, SECRETS_ONLY)).toEqual({
        status: 403,
        body: {
          message: 'Resource not accessible by personal access token',
          documentation_url: expect.any(String),
        },
      });
    }
    expect((await call('GET', `${REPO_SECRETS}/public-key`, undefined, SECRETS_ONLY)).status).toBe(
      200,
    );
    expect((await call('GET', ISSUES, undefined, FORBIDDEN)).status).toBe(403);
    expect(github.violations).toEqual([]);
  });
});

describe('GitHub stand-in: time passing', () => {
  it('backdate() moves secrets and issues back in time', async () => {
    const ref = { owner: 'octo', repo: 'app', name: 'AGED' };
    github.seedSecret(ref, { value: 'v', updatedAt: '2026-11-29T04:17:00Z' });
    const { body } = await call('POST', ISSUES, { title: 'aged' });
    await call('POST', `${ISSUES}/${(body as IssueBody).number}/comments`, { body: 'old news' });
    const issue = () => github.listIssues().find((i) => i.title === 'aged')!;
    const before = issue();
    github.backdate(90);
    expect(github.getSecret(ref)).toMatchObject({
      createdAt: '2026-11-29T02:47:00Z',
      updatedAt: '2026-11-29T02:47:00Z',
    });
    const metadata = await call('GET', `${REPO_SECRETS}/AGED`);
    expect(metadata.body).toMatchObject({ updated_at: '2026-11-29T02:47:00Z' });
    const after = issue();
    const minutesBack = (a: string, b: string) => (Date.parse(a) - Date.parse(b)) / 60_000;
    expect(minutesBack(before.createdAt, after.createdAt)).toBe(90);
    expect(minutesBack(before.updatedAt, after.updatedAt)).toBe(90);
    expect(minutesBack(before.comments[0]!.createdAt, after.comments[0]!.createdAt)).toBe(90);
    const listed = await call('GET', ISSUES);
    const shown = (listed.body as { title: string; created_at: string }[]).find(
      (i) => i.title === 'aged',
    );
    expect(shown?.created_at).toBe(after.createdAt);
    expect(github.violations).toEqual([]);
  });
});

describe('GitHub stand-in: secondary rate limits on content creation', () => {
  let clock = Date.parse('2026-11-29T04:00:00Z');
  const stands: GitHubStandIn[] = [];
  const start = async (limits?: Parameters<typeof startGitHubStandIn>[0]) => {
    const standIn = await startGitHubStandIn({
      tokens: { [WRITE]: 'write' },
      repositories: [{ owner: 'octo', repo: 'app', id: 101 }],
      now: () => new Date(clock),
      ...limits,
    });
    stands.push(standIn);
    return standIn;
  };
  afterAll(async () => {
    await Promise.all(stands.map((s) => s.close()));
  });

  it('refuses the 81st write in a minute with 403 and retry-after, then accepts it', async () => {
    const limited = await start();
    const body = await sealFor(REPO_SECRETS, 'burst', limited.url);
    const put = (name: string) => callAt(limited.url, 'PUT', `${REPO_SECRETS}/${name}`, body);
    for (let i = 0; i < 80; i++) {
      expect((await put(`BURST_${i}`)).status).toBe(201);
    }
    const refused = await put('BURST_80');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((refused.body as { message: string }).message).toMatch(
      /^You have exceeded a secondary rate limit\. Please wait a few minutes before you try again/,
    );
    expect(limited.getSecret({ owner: 'octo', repo: 'app', name: 'BURST_80' })).toBeUndefined();
    expect(limited.secondaryLimitHits()).toBe(1);
    expect(limited.requests.at(-1)).toMatchObject({
      method: 'PUT',
      status: 403,
      secondaryLimited: true,
    });
    // Reads do not count and are not limited.
    expect((await callAt(limited.url, 'GET', `${REPO_SECRETS}/BURST_0`)).status).toBe(200);

    clock += 45_000;
    const still = await put('BURST_80');
    expect([still.status, still.headers.get('retry-after')]).toEqual([403, '15']);
    clock += 15_000; // the burst has left the window
    expect((await put('BURST_80')).status).toBe(201);
    expect(limited.getSecret({ owner: 'octo', repo: 'app', name: 'BURST_80' })?.value).toBe(
      'burst',
    );
    expect(limited.secondaryLimitHits()).toBe(2);
    expect(limited.violations).toEqual([]);
  });

  it('counts every content-generating method against smaller limits set by the test', async () => {
    const limited = await start({ limits: { perMinute: false, perHour: 3 } });
    const issues = `${ISSUES}`;
    expect((await callAt(limited.url, 'POST', issues, { title: 'one' })).status).toBe(201);
    clock += 10 * 60_000;
    expect((await callAt(limited.url, 'PATCH', `${issues}/1`, { state: 'closed' })).status).toBe(
      200,
    );
    expect((await callAt(limited.url, 'POST', `${issues}/1/comments`, { body: 'x' })).status).toBe(
      201,
    );
    clock += 60_000;
    const refused = await callAt(limited.url, 'POST', issues, { title: 'two' });
    expect(refused.status).toBe(403);
    // The first write leaves the hour 49 minutes from now.
    expect(refused.headers.get('retry-after')).toBe(String(49 * 60));
    expect(limited.listIssues()).toHaveLength(1);
    expect(limited.violations).toEqual([]);
    limited.reset();
    expect((await callAt(limited.url, 'POST', issues, { title: 'two' })).status).toBe(201);
  });

  it('can be turned off', async () => {
    const unlimited = await start({ limits: false });
    for (let i = 0; i < 90; i++) {
      expect((await callAt(unlimited.url, 'DELETE', `${REPO_SECRETS}/NONE_${i}`)).status).toBe(404);
    }
    expect(unlimited.secondaryLimitHits()).toBe(0);
  });
});
