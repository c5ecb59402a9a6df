import { describe, expect, it } from '@jest/globals';
import { memoizeAsync } from '../../src/memo.js';
import { mapWithConcurrency } from '../../src/pool.js';
import { splitSelf } from '../../src/self-rotation.js';
import { requiredPermission, scopeKey, secretsPath, settingsUrl } from '../../src/targets.js';

describe('memoizeAsync', () => {
  it('shares one in-flight load between concurrent callers', async () => {
    let loads = 0;
    const get = memoizeAsync(
      async (k: string) => {
        loads += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return k.toUpperCase();
      },
      (k) => k,
    );
    expect(await Promise.all([get('a'), get('a'), get('b')])).toEqual(['A', 'A', 'B']);
    expect(loads).toBe(2);
  });

  it('forgets a failed load so the next call tries again', async () => {
    let calls = 0;
    const get = memoizeAsync(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('transient');
        return 'ok';
      },
      () => 'key',
    );
    await expect(get('x')).rejects.toThrow('transient');
    expect(await get('x')).toBe('ok');
    expect(calls).toBe(2);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n * 3));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('handles an empty list', async () => {
    expect(await mapWithConcurrency([], 4, async (n: number) => n)).toEqual([]);
  });
});

describe('targets', () => {
  const env = {
    type: 'environment',
    owner: 'octo',
    repo: 'app',
    environment: 'prod/eu 1',
  } as const;
  const org = { type: 'organization', org: 'Octo', kind: 'dependabot' } as const;

  it('encodes path segments that need it', () => {
    expect(secretsPath(env)).toBe('/repos/octo/app/environments/prod%2Feu%201/secrets');
    expect(secretsPath(org)).toBe('/orgs/Octo/dependabot/secrets');
  });

  it('keys scopes case-insensitively, as GitHub names are', () => {
    expect(scopeKey(org)).toBe(scopeKey({ ...org, org: 'octo' }));
    expect(scopeKey(org)).not.toBe(scopeKey({ ...org, kind: 'actions' }));
  });

  it('links to the settings page and names the permission each scope needs', () => {
    expect(settingsUrl(org, 'https://ghe.example.com/')).toBe(
      'https://ghe.example.com/organizations/Octo/settings/secrets/dependabot',
    );
    expect(requiredPermission(org)).toBe(
      'organization permission "Dependabot secrets: Read and write"',
    );
    expect(requiredPermission(env)).toBe(
      'repository permissions "Environments: Read and write" and "Secrets: Read and write"',
    );
  });
});

describe('splitSelf', () => {
  const users = [
    { name: 'app', targets: [] },
    { name: 'CI-Deploy', targets: [] },
  ];
  it('finds the caller user whatever the case, and leaves the rest in order', () => {
    const caller = { userName: 'ci-deploy', arn: 'arn:aws:iam::1:user/ci-deploy' };
    expect(splitSelf(users, caller)).toEqual({ others: [users[0]], self: users[1] });
  });
  it('finds no self for a role session', () => {
    const caller = { userName: undefined, arn: 'arn:aws:sts::1:assumed-role/r/s' };
    expect(splitSelf(users, caller)).toEqual({ others: users, self: undefined });
  });
});
