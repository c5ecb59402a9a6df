import { describe, expect, it } from '@jest/globals';
import { countOutcomes } from '../../../src/report/outcome-counts.js';
import { reportJson } from '../../../src/report/report-json.js';
import { summaryMarkdown } from '../../../src/report/summary.js';
import type { UserResult } from '../../../src/model/user-result.js';
import { DEFAULT_POLICY } from '../support/fixtures.js';

const policy = DEFAULT_POLICY;
const scope = { type: 'repository', owner: 'octo', repo: 'app', kind: 'actions' } as const;

function user(i: number, outcome: UserResult['outcome']): UserResult {
  return {
    user: `user-${i}`,
    outcome,
    message:
      outcome === 'failed'
        ? 'a target cannot be written | 403'
        : 'rotated: the active key is 120 days old',
    oldKeyId: `AKIAOLD${i}`,
    oldKeyAgeDays: 120,
    newKeyId: outcome === 'rotated' ? `AKIANEW${i}` : undefined,
    deletedKeyIds: [],
    deactivatedKeyIds: outcome === 'rotated' ? [`AKIAOLD${i}`] : [],
    targets: [
      {
        target: 'octo/app (Actions): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY',
        scope,
        state: outcome === 'rotated' ? 'written' : 'failed',
        keyId: outcome === 'rotated' ? `AKIANEW${i}` : `AKIAOLD${i}`,
        ...(outcome === 'failed' ? { error: 'octo/app (Actions): 403' } : {}),
      },
    ],
  };
}

const context = { policy, dryRun: false, serverUrl: 'https://github.example.com/' };

describe('summaryMarkdown', () => {
  it('has a row per user with icon, key ids, age and targets, and links to the settings page', () => {
    const md = summaryMarkdown([user(1, 'rotated'), user(2, 'failed')], context);
    expect(md).toContain('| ✅ rotated | `user-1` | `AKIAOLD1` (120 d) | `AKIANEW1` | 1/1 |');
    expect(md).toContain(
      '| ❌ failed | `user-2` | `AKIAOLD2` (120 d) | — | 0/1 | a target cannot be written \\| 403 |',
    );
    expect(md).toContain('(https://github.example.com/octo/app/settings/secrets/actions)');
    expect(md).toContain('max-age-days: 90');
    expect(md).toMatch(/<details><summary>❌ user-2: failed<\/summary>/);
  });

  it('reads as a plan in a dry run', () => {
    const md = summaryMarkdown([{ ...user(1, 'rotated'), outcome: 'would-rotate' }], {
      ...context,
      dryRun: true,
    });
    expect(md).toContain('**Dry run**: nothing was changed.');
    expect(md).toContain('📝 would-rotate');
  });

  it('stays under GitHub 1 MiB summary limit for 1000 users, saying what it left out', () => {
    // Eight targets per user: the details alone would pass the limit.
    const results = Array.from({ length: 1000 }, (_, i) => {
      const r = user(i, i % 10 === 0 ? 'failed' : 'rotated');
      return { ...r, targets: Array.from({ length: 8 }, () => r.targets[0]!) };
    });
    const md = summaryMarkdown(results, context);
    expect(Buffer.byteLength(md)).toBeLessThan(1024 * 1024);
    expect(md).toMatch(
      /_\d+ more user\(s\) left out of this summary to stay under GitHub's summary limit; the report file has them all._/,
    );
    // Failures come first in the details, since they need a person.
    expect(md.indexOf('<summary>❌')).toBeLessThan(md.indexOf('<summary>✅'));
  });
});

describe('reportJson and counts', () => {
  it('lists every user with key ids and target states, and counts outcomes', () => {
    const results = [
      user(1, 'rotated'),
      user(2, 'failed'),
      { ...user(3, 'rotated'), outcome: 'fresh' as const },
    ];
    expect(countOutcomes(results)).toMatchObject({ rotated: 1, failed: 1, fresh: 1, waiting: 0 });
    const parsed = JSON.parse(reportJson(results)) as Record<string, unknown>[];
    expect(parsed[0]).toEqual({
      user: 'user-1',
      outcome: 'rotated',
      message: 'rotated: the active key is 120 days old',
      oldKeyId: 'AKIAOLD1',
      oldKeyAgeDays: 120,
      newKeyId: 'AKIANEW1',
      deletedKeyIds: [],
      deactivatedKeyIds: ['AKIAOLD1'],
      targets: [
        {
          target: 'octo/app (Actions): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY',
          state: 'written',
          keyId: 'AKIANEW1',
        },
      ],
    });
    expect(parsed[1]).toMatchObject({
      newKeyId: null,
      targets: [{ error: 'octo/app (Actions): 403' }],
    });
  });
});
