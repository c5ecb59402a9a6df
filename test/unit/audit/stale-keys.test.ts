import { describe, expect, it } from '@jest/globals';
import type { CredentialReport, KeySlot } from '../../../src/model/credential-report.js';
import { runAudit } from '../../../src/audit/run-audit.js';
import { managedSet, staleKeys } from '../../../src/audit/stale-keys.js';
import { NOW, daysAgo } from '../support/fixtures.js';

const slot = (active: boolean, ageDays?: number, usedDaysAgo?: number | null): KeySlot => ({
  active,
  lastRotated: ageDays === undefined ? undefined : daysAgo(ageDays),
  lastUsed:
    usedDaysAgo === undefined ? undefined : usedDaysAgo === null ? null : daysAgo(usedDaysAgo),
  ...(usedDaysAgo ? { lastUsedService: 's3', lastUsedRegion: 'eu-west-1' } : {}),
});
const EMPTY = slot(false);
const row = (user: string, keys: [KeySlot, KeySlot]) => ({
  user,
  arn: `arn:aws:iam::123456789012:user/${user}`,
  accountId: '123456789012',
  createdAt: daysAgo(400),
  keys,
});
const report: CredentialReport = {
  generatedAt: NOW,
  users: [
    row('old-unmanaged', [slot(true, 200, 1), EMPTY]),
    row('young', [slot(true, 10, 1), EMPTY]),
    row('never-used', [slot(true, 5, null), EMPTY]),
    row('idle', [slot(true, 40, 95), EMPTY]),
    row('old-inactive', [slot(false, 300, 250), slot(true, 3, 0)]),
    row('ci-deploy', [slot(true, 120, 0), EMPTY]),
  ],
};
const options = {
  account: 'own',
  maxAgeDays: 90,
  now: NOW,
  isManaged: managedSet(['CI-Deploy']),
  isMine: () => true,
};

describe('staleKeys', () => {
  it('lists active keys old, never used or unused for max-age-days; flags unmanaged users', () => {
    const entries = staleKeys(report, options);
    expect(entries.map((e) => [e.user, e.managed, e.keys.flatMap((k) => k.findings)])).toEqual([
      ['old-unmanaged', false, ['200 days old']],
      ['never-used', false, ['never used']],
      ['idle', false, ['unused for 95 days']],
      ['ci-deploy', true, ['120 days old']],
    ]);
    expect(entries[0]!.keys[0]).toMatchObject({
      slot: 1,
      active: true,
      ageDays: 200,
      lastUsedService: 's3',
      lastUsedRegion: 'eu-west-1',
    });
  });

  it('does not call a young key in use, or an inactive key, stale', () => {
    const users = staleKeys(report, options).map((e) => e.user);
    expect(users).not.toContain('young');
    expect(users).not.toContain('old-inactive');
  });

  it('audits only the users of its shard', () => {
    const entries = staleKeys(report, { ...options, isMine: (user) => user === 'idle' });
    expect(entries.map((e) => e.user)).toEqual(['idle']);
  });
});

describe('runAudit', () => {
  const base = {
    accounts: [undefined, 'prod'],
    label: (account: string | undefined) => account ?? '123456789012',
    managed: () => ['ci-deploy'],
    isMine: () => true,
    maxAgeDays: 90,
    now: NOW,
  };

  it('leaves out a managed user this run rotated, and says which accounts it could not read', async () => {
    const result = await runAudit({
      ...base,
      reportFor: async (account) => (account === undefined ? report : undefined),
      results: [
        {
          account: '123456789012',
          user: 'ci-deploy',
          outcome: 'rotated',
          message: '',
          deletedKeyIds: [],
          deactivatedKeyIds: [],
          targets: [],
        },
      ],
    });
    expect(result.entries.map((e) => e.user)).toContain('ci-deploy');
    expect(result.remaining.map((e) => e.user)).not.toContain('ci-deploy');
    expect(result.remaining).toHaveLength(3);
    expect(result.unaudited).toEqual(['prod']);
  });

  it('counts a managed user it did not rotate as remaining', async () => {
    const result = await runAudit({
      ...base,
      accounts: [undefined],
      reportFor: async () => report,
      results: [],
    });
    expect(result.remaining.map((e) => e.user)).toContain('ci-deploy');
  });
});
