/**
 * A sliding-window rate limiter: at most `max` requests in any `periodMs`, for every window at
 * once (e.g. 80 a minute and 500 an hour). Callers are admitted in the order they asked.
 */
export interface RateLimitWindow {
  readonly max: number;
  readonly periodMs: number;
}

export interface RateWindowStats {
  /** Requests admitted. */
  readonly taken: number;
  /** Sum over requests of the time from asking to being admitted. */
  readonly waitedMs: number;
}

export interface RateWindow {
  /** Resolves when every window has room, and records the request. */
  take(): Promise<void>;
  stats(): RateWindowStats;
}

export interface RateWindowOptions {
  readonly windows: readonly RateLimitWindow[];
  /** A clock that never goes back (milliseconds). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createRateWindow(options: RateWindowOptions): RateWindow {
  const { windows } = options;
  for (const w of windows) {
    if (!(Number.isInteger(w.max) && w.max > 0 && w.periodMs > 0)) {
      throw new RangeError(
        `a rate window needs a whole max > 0 and a period > 0 (got ${w.max} per ${w.periodMs} ms)`,
      );
    }
  }
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const longest = Math.max(0, ...windows.map((w) => w.periodMs));
  const admitted: number[] = []; // admission times, oldest first, within the longest period
  let queue: Promise<void> = Promise.resolve();
  let taken = 0;
  let waitedMs = 0;

  /** How long until every window has room at `at`; 0 when it has room now. */
  const waitAt = (at: number): number => {
    while (admitted.length > 0 && (admitted[0] as number) <= at - longest) admitted.shift();
    let wait = 0;
    for (const { max, periodMs } of windows) {
      // Room comes when the max-th most recent request leaves this window.
      const blocker = admitted[admitted.length - max];
      if (blocker !== undefined && blocker > at - periodMs) {
        wait = Math.max(wait, blocker + periodMs - at);
      }
    }
    return wait;
  };

  const admit = async (askedAt: number): Promise<void> => {
    for (let wait = waitAt(now()); wait > 0; wait = waitAt(now())) await sleep(wait);
    const at = Math.max(now(), admitted.at(-1) ?? -Infinity);
    admitted.push(at);
    taken += 1;
    waitedMs += at - askedAt;
  };

  return {
    take() {
      const askedAt = now();
      const turn = queue.then(() => admit(askedAt));
      queue = turn.catch(() => undefined);
      return turn;
    },
    stats: () => ({ taken, waitedMs }),
  };
}
