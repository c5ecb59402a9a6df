/**
 * The fast path rules out only users the credential report shows plainly fresh, reckoning ages
 * from now so a stale report cannot hide a key that aged since it was made.
 */
import { describe, expect, it } from '@jest/globals';
import type { KeySlot } from '../../../src/model/credential-report.js';
import { indexReport, triage } from '../../../src/rotation/report-triage.js';
import { DEFAULT_POLICY, NOW, daysAgo } from '../support/fixtures.js';

const slot = (active: boolean, ageDays?: number): KeySlot => ({
  active,
  lastRotated: ageDays === undefined ? undefined : daysAgo(ageDays),
  lastUsed: null,
});
const EMPTY = slot(false);

describe('triage', () => {
  it.each([
    ['one young active key', [slot(true, 10), EMPTY], 'fresh'],
    ['one active key at max-age-days', [slot(true, 90), EMPTY], 'check'],
    ['no key', [EMPTY, EMPTY], 'check'],
    ['only an inactive key', [slot(false, 10), EMPTY], 'check'],
    [
      'two keys, one inactive (maybe a retired one to clean up)',
      [slot(true, 10), slot(false, 50)],
      'check',
    ],
    ['two active keys', [slot(true, 10), slot(true, 20)], 'check'],
    ['an active key without a date', [slot(true), EMPTY], 'check'],
  ])('%s: %s', (_name, slots, kind) => {
    expect(triage(slots as KeySlot[], DEFAULT_POLICY, NOW).kind).toBe(kind);
  });

  it('sends a user missing from the report down the per-user path', () => {
    expect(triage(undefined, DEFAULT_POLICY, NOW).kind).toBe('check');
  });

  it('reckons age from now: a key young when the report was made may be due by now', () => {
    expect(triage([slot(true, 89), EMPTY], DEFAULT_POLICY, NOW).kind).toBe('fresh');
    const later = new Date(NOW.getTime() + 2 * 86_400_000);
    expect(triage([slot(true, 89), EMPTY], DEFAULT_POLICY, later).kind).toBe('check');
  });

  it('says when the key will be due', () => {
    const seen = triage([slot(true, 10), EMPTY], DEFAULT_POLICY, NOW);
    expect(seen).toMatchObject({ kind: 'fresh', ageDays: 10, nextDue: daysAgo(-80) });
  });

  it('finds users by name whatever the case', () => {
    const index = indexReport({
      generatedAt: NOW,
      users: [
        { user: 'CI-Deploy', arn: 'a', accountId: '1', createdAt: NOW, keys: [EMPTY, EMPTY] },
      ],
    });
    expect(index.get('ci-deploy')).toHaveLength(2);
  });
});
