// GitHub's secondary rate limits on content creation, as documented ("Rate limits for the REST
// API"): no more than 80 content-generating requests per minute and no more than 500 per
// hour. Every POST, PUT, PATCH and DELETE counts. Sliding windows over the arrival times of
// the requests that were let through, read from the stand-in's clock.

/** GitHub's documented numbers, the default. */
export const GITHUB_LIMITS = Object.freeze({ perMinute: 80, perHour: 500 });

const WINDOWS = [
  ['perMinute', 60_000],
  ['perHour', 3_600_000],
];
const CONTENT_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * @typedef {object} SecondaryLimits
 * @property {number | false} [perMinute] at most this many content-generating requests in any
 *   60 s (80 by default); false: no per-minute limit
 * @property {number | false} [perHour] at most this many in any hour (500 by default); false:
 *   no hourly limit
 */

/**
 * @param {SecondaryLimits | false | undefined} limits false turns both windows off
 * @param {() => Date} clock
 */
export function createSecondaryLimits(limits, clock) {
  const windows =
    limits === false
      ? []
      : WINDOWS.map(([name, ms]) => ({
          name,
          ms,
          max: (limits ?? {})[name] ?? GITHUB_LIMITS[name],
        }))
          .filter((w) => w.max !== false)
          .map((w) => {
            if (!Number.isInteger(w.max) || w.max < 1) {
              throw new TypeError(
                `GitHub stand-in: limits.${w.name} must be a positive integer or false`,
              );
            }
            return w;
          });
  const longest = Math.max(0, ...windows.map((w) => w.ms));
  /** Arrival times (ms) of the content-generating requests let through, oldest first. */
  let admitted = [];

  return {
    /**
     * Lets a request through (recording it) or says how long to wait: 0 when admitted, else
     * the whole seconds until a window frees a slot (at least 1). Other methods always pass.
     * @param {string} method
     */
    admit(method) {
      if (!CONTENT_METHODS.has(method) || windows.length === 0) return 0;
      const now = clock().getTime();
      admitted = admitted.filter((t) => t > now - longest);
      let waitMs = 0;
      for (const { ms, max } of windows) {
        const inWindow = admitted.filter((t) => t > now - ms);
        if (inWindow.length >= max) {
          // The slot frees when enough of the oldest ones have left the window.
          waitMs = Math.max(waitMs, inWindow[inWindow.length - max] + ms - now);
        }
      }
      if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
      admitted.push(now);
      return 0;
    },

    /** Forgets every request: the windows start empty. */
    clear() {
      admitted = [];
    },
  };
}
