import { describe, expect, it } from '@jest/globals';
import {
  createGitHubClient,
  createWritePacer,
  type GitHubClientOptions,
} from '../../../src/github/github-client.js';
import type { Clock } from '../../../src/lib/clock.js';
import type { RateWindow } from '../../../src/lib/rate-window.js';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

/** A fetch that answers from a script per method, and records what was asked. */
function fakeFetch(script: Record<string, Answer[]>) {
  const calls: string[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET';
    calls.push(`${method} ${new URL(String(input)).pathname}`);
    const answer = script[method]?.shift() ?? { status: method === 'GET' ? 200 : 204 };
    const body = answer.status === 204 ? null : JSON.stringify(answer.body ?? {});
    return new Response(body, {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

/** A pacer that admits everything and counts. */
function countingPacer(): RateWindow & { takes: number } {
  const pacer = {
    takes: 0,
    take: async () => {
      pacer.takes += 1;
    },
    stats: () => ({ taken: pacer.takes, waitedMs: 0 }),
  };
  return pacer;
}

function client(fetch: typeof globalThis.fetch, extra: Partial<GitHubClientOptions> = {}) {
  const logs: string[] = [];
  const github = createGitHubClient({
    token: 'ghs_unitTestToken',
    baseUrl: 'https://github.test/api',
    log: (m) => logs.push(m),
    retryBaseMs: 1,
    fetch,
    ...extra,
  });
  return { github, logs };
}

const put = (github: ReturnType<typeof client>['github'], name = 'X') =>
  github.request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
    owner: 'o',
    repo: 'r',
    secret_name: name,
    encrypted_value: 'e',
    key_id: 'k',
  });

describe('GitHub client pacing', () => {
  it('paces every write through the pacer, not reads, and no longer a second apart', async () => {
    const pacer = countingPacer();
    const { github } = client(fakeFetch({}).fetch, { pacer });
    const start = performance.now();
    for (let i = 0; i < 4; i += 1) await put(github, `S${i}`);
    await github.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    await github.request('DELETE /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
      owner: 'o',
      repo: 'r',
      secret_name: 'S0',
    });
    // The plugin's own write group would have taken at least 4 s for these 5 writes.
    expect(performance.now() - start).toBeLessThan(1000);
    expect(pacer.takes).toBe(5);
  });

  it('passes a write retried after a 5xx through the pacer again', async () => {
    const pacer = countingPacer();
    const transport = fakeFetch({ PUT: [{ status: 502 }, { status: 502 }] });
    const { github } = client(transport.fetch, { pacer });
    await put(github);
    expect(transport.calls.filter((c) => c.startsWith('PUT'))).toHaveLength(3);
    expect(pacer.takes).toBe(3);
  });

  it('passes a write retried after a secondary rate limit through the pacer again', async () => {
    const pacer = countingPacer();
    const limited: Answer = {
      status: 403,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    };
    const transport = fakeFetch({ PUT: [limited] });
    const { github, logs } = client(transport.fetch, { pacer });
    await put(github);
    expect(transport.calls).toHaveLength(2);
    expect(pacer.takes).toBe(2);
    expect(logs.join('\n')).toMatch(/secondary rate limit on PUT .*retry 1 in 1s/);
  });

  it('holds a write until the pacer admits it, while reads go on', async () => {
    let admit!: () => void;
    const pacer: RateWindow = {
      take: () => new Promise<void>((resolve) => (admit = resolve)),
      stats: () => ({ taken: 0, waitedMs: 0 }),
    };
    const transport = fakeFetch({});
    const { github } = client(transport.fetch, { pacer });
    const write = put(github);
    await github.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(transport.calls).toEqual(['GET /api/repos/o/r']);
    admit();
    await write;
    expect(transport.calls).toEqual(['GET /api/repos/o/r', 'PUT /api/repos/o/r/actions/secrets/X']);
  });

  it('makes its own pacer from writesPerHour when none is passed', async () => {
    expect(() => client(fakeFetch({}).fetch, { writesPerHour: 0 })).toThrow(/got 0 per 3601000 ms/);
    const transport = fakeFetch({});
    await put(client(transport.fetch, { writesPerHour: 10 }).github);
    expect(transport.calls).toEqual(['PUT /api/repos/o/r/actions/secrets/X']);
  });
});

describe('createWritePacer', () => {
  function fakeClock(): Clock {
    let now = 0;
    return {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
  }

  it('admits 80 writes a minute, with a second of margin', async () => {
    const clock = fakeClock();
    const pacer = createWritePacer(500, clock);
    for (let i = 0; i < 81; i += 1) await pacer.take();
    expect(clock.now()).toBe(61_000);
    expect(pacer.stats().taken).toBe(81);
  });

  it('admits writesPerHour writes an hour, with a second of margin', async () => {
    const clock = fakeClock();
    const pacer = createWritePacer(3, clock);
    for (let i = 0; i < 4; i += 1) await pacer.take();
    expect(clock.now()).toBe(3_601_000);
  });
});
