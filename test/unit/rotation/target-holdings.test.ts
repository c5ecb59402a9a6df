/** What each target holds, from the record's write window and the secrets' stamps (pure). */
import { describe, expect, it } from '@jest/globals';
import type { Target } from '../../../src/model/secret-target.js';
import {
  describeHolders,
  holdingOf,
  holdingsOf,
  writtenAfter,
  type TargetStamps,
} from '../../../src/rotation/target-holdings.js';
import { repoTarget } from '../support/engine-world.js';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const app = repoTarget('app');
const ops = repoTarget('ops');
const stamps = (secret?: number, id?: number, target: Target = app): TargetStamps => ({
  target,
  secretUpdatedAt: secret === undefined ? undefined : at(secret),
  idUpdatedAt: id === undefined ? undefined : at(id),
});
/** The rotation wrote from T0 until T0 + 60 s. */
const WINDOW = { from: at(0), until: at(60) };
const holding = (secret?: number, id?: number, window: Parameters<typeof holdingOf>[1] = WINDOW) =>
  holdingOf(stamps(secret, id), window);

describe('holdingOf', () => {
  it('new: both secrets written within the window, up to 2 s of clock skew either side', () => {
    expect(holding(1, 2)).toBe('new');
    expect(holding(-2, -2)).toBe('new');
    expect(holding(62, 62)).toBe('new');
  });

  it('old: neither written since the rotation started (or not at all)', () => {
    expect(holding(-3, -3)).toBe('old');
    expect(holding(undefined, undefined)).toBe('old');
    expect(holding(-100, undefined)).toBe('old');
  });

  it('secret-only: the run stopped between the secret key and the key id', () => {
    expect(holding(5, -100)).toBe('secret-only');
    expect(holding(5, undefined)).toBe('secret-only');
  });

  it('foreign: only the key id changed, or anything changed after the window', () => {
    expect(holding(-100, 5)).toBe('foreign');
    expect(holding(undefined, 5)).toBe('foreign');
    expect(holding(63, 10)).toBe('foreign');
    expect(holding(10, 63)).toBe('foreign');
    expect(holding(undefined, 63)).toBe('foreign');
    expect(holding(63, undefined)).toBe('foreign');
  });

  it('restored: the secret key written at or after the old pair was written back', () => {
    const window = { ...WINDOW, restoredAt: at(30) };
    expect(holding(30, 31, window)).toBe('restored');
    expect(holding(40, undefined, window)).toBe('restored');
    // Before the write-back: the new key's writes.
    expect(holding(10, 11, window)).toBe('new');
    expect(holding(10, undefined, window)).toBe('secret-only');
    // An id written at or after the write-back, with the secret before it, is not the new pair.
    expect(holding(10, 31, window)).toBe('secret-only');
    expect(holding(10, 30, window)).toBe('secret-only');
    expect(holding(-100, 31, window)).toBe('old');
  });

  it('holdingsOf keeps each target with its holding, in order', () => {
    expect(holdingsOf([stamps(1, 2, app), stamps(undefined, undefined, ops)], WINDOW)).toEqual([
      { target: app, holding: 'new' },
      { target: ops, holding: 'old' },
    ]);
  });
});

describe('writtenAfter', () => {
  it('names the targets with a secret written more than 2 s after the time', () => {
    const all = [
      stamps(60, 60, repoTarget('same')),
      stamps(62, 62, repoTarget('skew')),
      stamps(63, 10, repoTarget('secret')),
      stamps(10, 63, repoTarget('id')),
      stamps(undefined, undefined, repoTarget('none')),
    ];
    expect(writtenAfter(all, at(60)).map((t) => t.scope)).toEqual([
      repoTarget('secret').scope,
      repoTarget('id').scope,
    ]);
  });
});

describe('describeHolders', () => {
  it('lists the targets with the wanted holdings, separated by semicolons', () => {
    const holdings = [
      { target: app, holding: 'new' as const },
      { target: ops, holding: 'old' as const },
      { target: repoTarget('web'), holding: 'foreign' as const },
    ];
    expect(describeHolders(holdings, ['old', 'foreign'])).toBe(
      'octo/ops (Actions): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; ' +
        'octo/web (Actions): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY',
    );
    expect(describeHolders(holdings, ['restored'])).toBe('');
  });
});
