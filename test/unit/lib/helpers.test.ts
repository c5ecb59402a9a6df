import { describe, expect, it } from '@jest/globals';
import { memoizeAsync } from '../../../src/lib/memoize-async.js';
import { mapWithConcurrency } from '../../../src/lib/map-with-concurrency.js';

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
