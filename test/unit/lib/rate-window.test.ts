import { describe, expect, it } from '@jest/globals';
import { createRateWindow, type RateLimitWindow } from '../../../src/lib/rate-window.js';

/** A limiter on a clock that only its sleeps move; `times` records each admission. */
function limiter(windows: RateLimitWindow[]) {
  let now = 0;
  const slept: number[] = [];
  const window = createRateWindow({
    windows,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  });
  const times: number[] = [];
  const take = async (): Promise<void> => {
    await window.take();
    times.push(now);
  };
  const advance = (ms: number): void => {
    now += ms;
  };
  return { window, take, times, slept, advance };
}

describe('createRateWindow', () => {
  it('admits up to max at once, then waits until the oldest request leaves the window', async () => {
    const { take, times } = limiter([{ max: 3, periodMs: 1000 }]);
    for (let i = 0; i < 5; i += 1) await take();
    expect(times).toEqual([0, 0, 0, 1000, 1000]);
  });

  it('slides: room comes back request by request, not all at once per period', async () => {
    const { take, times, advance } = limiter([{ max: 3, periodMs: 1000 }]);
    await take();
    advance(500);
    await take();
    advance(400);
    await take();
    advance(50);
    await take(); // at 950: the request of 0 leaves at 1000
    await take(); // the request of 500 leaves at 1500
    expect(times).toEqual([0, 500, 900, 1000, 1500]);
  });

  it('waits until every window has room', async () => {
    const { take, times } = limiter([
      { max: 2, periodMs: 100 },
      { max: 3, periodMs: 1000 },
    ]);
    for (let i = 0; i < 6; i += 1) await take();
    expect(times).toEqual([0, 0, 100, 1000, 1000, 1100]);
  });

  it('admits concurrent callers in the order they asked, and counts their waiting', async () => {
    const { window } = limiter([{ max: 1, periodMs: 100 }]);
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map(async (n) => {
        await window.take();
        order.push(n);
      }),
    );
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(window.stats()).toEqual({ taken: 5, waitedMs: 0 + 100 + 200 + 300 + 400 });
  });

  it('keeps serving after a caller gave up waiting', async () => {
    let now = 0;
    let fail = true;
    const window = createRateWindow({
      windows: [{ max: 1, periodMs: 10 }],
      now: () => now,
      sleep: async (ms) => {
        if (fail) {
          fail = false;
          throw new Error('interrupted');
        }
        now += ms;
      },
    });
    await window.take();
    await expect(window.take()).rejects.toThrow('interrupted');
    await window.take();
    expect(window.stats().taken).toBe(2);
  });

  it('waits on the real clock by default', async () => {
    const window = createRateWindow({ windows: [{ max: 1, periodMs: 40 }] });
    const start = performance.now();
    await window.take();
    await window.take();
    expect(performance.now() - start).toBeGreaterThanOrEqual(39);
  });

  it.each([
    [{ max: 0, periodMs: 1000 }],
    [{ max: 1.5, periodMs: 1000 }],
    [{ max: 1, periodMs: 0 }],
  ])('refuses a window that could never admit anything: %o', (w) => {
    expect(() => createRateWindow({ windows: [w] })).toThrow(RangeError);
  });
});
