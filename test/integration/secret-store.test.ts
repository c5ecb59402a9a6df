/**
 * The GitHub side of the action (Octokit with throttling and retry, sealed boxes, every target
 * kind) against the OpenAPI-checked stand-in, including injected faults.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createGitHubClient } from '../../src/github/github-client.js';
import type { SecretStore } from '../../src/model/gateways.js';
import { createSecretStore } from '../../src/github/secret-store.js';
import type { SecretScope, Target } from '../../src/model/secret-target.js';
import { startGitHubStandIn } from '../emulators/github-standin/index.mjs';

const TOKEN = 'ghs_secretStoreTestToken000000000';
type StandIn = Awaited<ReturnType<typeof startGitHubStandIn>>;
let github: StandIn;
let store: SecretStore;
let logs: string[];

const target = (scope: SecretScope, extra: Partial<Target> = {}): Target => ({
  scope,
  accessKeyIdName: 'AWS_ACCESS_KEY_ID',
  secretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
  ...extra,
});
const repoScope = (kind: 'actions' | 'dependabot' | 'codespaces' = 'actions'): SecretScope => ({
  type: 'repository',
  owner: 'octo',
  repo: 'app',
  kind,
});

beforeAll(async () => {
  github = await startGitHubStandIn({
    tokens: { [TOKEN]: 'write' },
    repositories: [
      { owner: 'octo', repo: 'app', id: 101, environments: ['production'] },
      { owner: 'octo', repo: 'infra', id: 102 },
    ],
    organizations: ['octo'],
  });
});
afterAll(async () => github.close());

beforeEach(() => {
  logs = [];
  const client = createGitHubClient({
    token: TOKEN,
    baseUrl: github.url,
    log: (m) => logs.push(m),
    retryBaseMs: 10,
    timeoutMs: 500,
  });
  store = createSecretStore(client);
});
afterEach(() => {
  expect(github.violations).toEqual([]);
  github.reset();
});

describe('secret store against the stand-in', () => {
  type Ref = {
    owner: string;
    repo: string;
    kind?: 'dependabot' | 'codespaces';
    environment?: string;
  };
  it.each<[string, SecretScope, Ref]>([
    ['repository Actions', repoScope('actions'), { owner: 'octo', repo: 'app' }],
    [
      'repository Dependabot',
      repoScope('dependabot'),
      { owner: 'octo', repo: 'app', kind: 'dependabot' },
    ],
    [
      'repository Codespaces',
      repoScope('codespaces'),
      { owner: 'octo', repo: 'app', kind: 'codespaces' },
    ],
    [
      'environment',
      { type: 'environment', owner: 'octo', repo: 'app', environment: 'production' } as SecretScope,
      { owner: 'octo', repo: 'app', environment: 'production' },
    ],
  ])('writes %s secrets that decrypt to the plaintext', async (_name, scope, ref) => {
    const t = target(scope);
    await store.preflight(t);
    await store.write(t, 'AWS_SECRET_ACCESS_KEY', 'plain-secret/+=');
    expect(github.getSecret({ ...ref, name: 'AWS_SECRET_ACCESS_KEY' })?.value).toBe(
      'plain-secret/+=',
    );
  });

  it.each(['actions', 'dependabot', 'codespaces'] as const)(
    'writes %s organization secrets with visibility selected, resolving repository names',
    async (kind) => {
      const t = target(
        { type: 'organization', org: 'octo', kind },
        { orgAccess: { visibility: 'selected', repositories: ['app', 'infra'] } },
      );
      await store.preflight(t);
      await store.write(t, 'AWS_ACCESS_KEY_ID', 'AKIAORG');
      expect(github.getSecret({ org: 'octo', kind, name: 'AWS_ACCESS_KEY_ID' })).toMatchObject({
        value: 'AKIAORG',
        visibility: 'selected',
        selectedRepositoryIds: [101, 102],
      });
    },
  );

  it('keeps the visibility and repositories of an existing organization secret', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      github.seedSecret(
        { org: 'octo', kind: 'dependabot', name },
        { value: 'old', visibility: 'selected', selectedRepositoryIds: [102] },
      );
    }
    const t = target({ type: 'organization', org: 'octo', kind: 'dependabot' });
    await store.preflight(t);
    await store.write(t, 'AWS_ACCESS_KEY_ID', 'AKIANEW');
    expect(
      github.getSecret({ org: 'octo', kind: 'dependabot', name: 'AWS_ACCESS_KEY_ID' }),
    ).toMatchObject({
      value: 'AKIANEW',
      visibility: 'selected',
      selectedRepositoryIds: [102],
    });
  });

  it('refuses, before any write, a new organization secret without a visibility', async () => {
    const t = target(
      { type: 'organization', org: 'octo', kind: 'codespaces' },
      { accessKeyIdName: 'NEW_ID' },
    );
    await expect(store.preflight(t)).rejects.toThrow(
      /organization octo \(codespaces\): secret (NEW_ID|AWS_SECRET_ACCESS_KEY) does not exist yet; set "visibility"/,
    );
    expect(github.requests.filter((r: { method: string }) => r.method === 'PUT')).toEqual([]);
  });

  it('reads each scope public key once, even when asked concurrently', async () => {
    const t = target(repoScope('codespaces'), {
      accessKeyIdName: 'X_ID',
      secretAccessKeyName: 'X_SECRET',
    });
    await Promise.all([store.preflight(t), store.preflight(t), store.write(t, 'X_ID', 'a')]);
    expect(github.countByRoute()['GET /repos/{owner}/{repo}/codespaces/secrets/public-key']).toBe(
      1,
    );
  });

  it('retries 5xx and then succeeds', async () => {
    github.injectFault({
      method: 'PUT',
      path: /AWS_SECRET_ACCESS_KEY$/,
      times: 2,
      response: { status: 502 },
    });
    await store.write(target(repoScope()), 'AWS_SECRET_ACCESS_KEY', 'after-502');
    expect(
      github.getSecret({ owner: 'octo', repo: 'app', name: 'AWS_SECRET_ACCESS_KEY' })?.value,
    ).toBe('after-502');
    expect(github.requests.filter((r: { method: string }) => r.method === 'PUT')).toHaveLength(3);
  });

  it('waits out a secondary rate limit with retry-after', async () => {
    github.injectFault({
      method: 'PUT',
      path: /AWS_ACCESS_KEY_ID$/,
      response: {
        status: 403,
        headers: { 'retry-after': '1' },
        body: {
          message: 'You have exceeded a secondary rate limit.',
          documentation_url: 'https://docs.github.com',
        },
      },
    });
    await store.write(target(repoScope()), 'AWS_ACCESS_KEY_ID', 'AKIAAFTERLIMIT');
    expect(github.getSecret({ owner: 'octo', repo: 'app', name: 'AWS_ACCESS_KEY_ID' })?.value).toBe(
      'AKIAAFTERLIMIT',
    );
    expect(logs.join('\n')).toMatch(/secondary rate limit/);
  });

  it('retries a dropped connection and a hung one', async () => {
    github.injectFault({ method: 'PUT', path: /AWS_ACCESS_KEY_ID$/, response: 'drop' });
    github.injectFault({
      method: 'PUT',
      path: /AWS_ACCESS_KEY_ID$/,
      skip: 1,
      response: { delayMs: 2000 },
    });
    await store.write(target(repoScope()), 'AWS_ACCESS_KEY_ID', 'AKIAAFTERDROP');
    expect(github.getSecret({ owner: 'octo', repo: 'app', name: 'AWS_ACCESS_KEY_ID' })?.value).toBe(
      'AKIAAFTERDROP',
    );
  });

  it.each([
    [422, /octo\/app \(Actions\): GitHub failed while writing AWS_ACCESS_KEY_ID \(422\)/],
    [404, /octo\/app \(Actions\): not found \(404 while writing AWS_ACCESS_KEY_ID\)/],
    [
      403,
      /may not write secrets here \(403 while writing AWS_ACCESS_KEY_ID\); it needs the repository permission "Secrets: Read and write"/,
    ],
  ])('does not retry a permanent %i, and names the target and status', async (status, message) => {
    github.injectFault({
      method: 'PUT',
      path: /AWS_ACCESS_KEY_ID$/,
      times: 5,
      response: { status, body: { message: 'nope', documentation_url: 'https://docs.github.com' } },
    });
    await expect(store.write(target(repoScope()), 'AWS_ACCESS_KEY_ID', 'x')).rejects.toThrow(
      message,
    );
    expect(github.requests.filter((r: { method: string }) => r.method === 'PUT')).toHaveLength(1);
  });

  it('reads when a secret was last written, or nothing for a missing one', async () => {
    github.seedSecret(
      { owner: 'octo', repo: 'infra', name: 'AWS_ACCESS_KEY_ID' },
      { value: 'x', updatedAt: '2026-01-02T03:04:05Z' },
    );
    const t = target({ type: 'repository', owner: 'octo', repo: 'infra', kind: 'actions' });
    expect(await store.updatedAt(t, 'AWS_ACCESS_KEY_ID')).toEqual(new Date('2026-01-02T03:04:05Z'));
    expect(await store.updatedAt(t, 'AWS_SECRET_ACCESS_KEY')).toBeUndefined();
  });
});
