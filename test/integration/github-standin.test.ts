import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import sodium from 'libsodium-wrappers';
import { startGitHubStandIn } from '../emulators/github-standin/index.mjs';
import type { GitHubStandIn } from '../emulators/github-standin/index.mjs';

const WRITE = 'ghs_write';
const FORBIDDEN = 'ghs_forbidden';
const REPO_SECRETS = '/repos/octo/app/actions/secrets';
const ORG_SECRETS = '/orgs/octo/actions/secrets';

interface Reply {
  status: number;
  body: unknown;
}

let github: GitHubStandIn;

async function call(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = WRITE,
): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${github.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Fetches the scope's public key and seals the value with it, as the action does. */
async function sealFor(secretsPath: string, value: string) {
  const { body } = await call('GET', `${secretsPath}/public-key`);
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
    tokens: { [WRITE]: 'write', [FORBIDDEN]: 'forbidden' },
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
