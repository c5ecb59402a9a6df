/** An Octokit that waits out rate limits, paces writes and retries transient failures. */
import { getOctokit } from '@actions/github';
import { defaults as actionsDefaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import type { Clock } from '../lib/clock.js';
import { createRateWindow, type RateWindow } from '../lib/rate-window.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  readonly token: string;
  readonly baseUrl: string;
  readonly log: (message: string) => void;
  /** How many times a rate-limited request is retried before it fails. */
  readonly rateLimitRetries?: number;
  /** Per attempt: a hung connection becomes an error the retry plugin retries. */
  readonly timeoutMs?: number;
  /** One second of backoff or `retry-after`, in ms: the plugins' time unit (tests shorten it). */
  readonly retryBaseMs?: number;
  /**
   * Paces every attempt of every write (POST, PUT, PATCH, DELETE); the caller creates it with
   * createWritePacer to read its stats. Without it the client makes its own.
   */
  readonly pacer?: RateWindow;
  /** The hourly window of the pacer the client makes when none is passed (default 500). */
  readonly writesPerHour?: number;
  /** The transport under the timeout; by default the runner's proxy-aware fetch. */
  readonly fetch?: typeof fetch;
}

/** GitHub's documented content-creation limits: 80 a minute and 500 an hour. */
export const GITHUB_WRITES_PER_MINUTE = 80;
export const GITHUB_WRITES_PER_HOUR = 500;
// One second more per window absorbs the skew between our clock and GitHub's.
const MINUTE_MS = 61_000;
const HOUR_MS = 3_601_000;

/** A pacer shaped by GitHub's content-creation limits; share one between clients of a token. */
export function createWritePacer(
  writesPerHour: number = GITHUB_WRITES_PER_HOUR,
  clock?: Clock,
): RateWindow {
  return createRateWindow({
    windows: [
      { max: GITHUB_WRITES_PER_MINUTE, periodMs: MINUTE_MS },
      { max: writesPerHour, periodMs: HOUR_MS },
    ],
    ...(clock ? { now: () => clock.now(), sleep: (ms: number) => clock.sleep(ms) } : {}),
  });
}

type Fetch = typeof fetch;
type BottleneckGroup = NonNullable<ThrottlingOptions['write']>;

/** Adds a per-attempt timeout to the runner's proxy-aware fetch. */
function fetchWithTimeout(timeoutMs: number, transport?: Fetch): Fetch {
  const inner = transport ?? (actionsDefaults.request?.fetch as Fetch | undefined) ?? fetch;
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return inner(input, { ...init, signal });
  };
}

/**
 * Stands in for the throttling plugin's `write` group, which it awaits before every attempt of
 * a write, its own rate-limit retries and plugin-retry's alike, and outside its pool of running
 * requests (a write waiting for room holds up no read). The plugin's own group would also space
 * writes one second apart; the pacer replaces that. GraphQL requests pass here too (unused).
 */
function pacedWriteGroup(pacer: RateWindow): BottleneckGroup {
  const gate = {
    async schedule<T>(_options: unknown, task: () => Promise<T>): Promise<T> {
      await pacer.take();
      return task();
    },
  };
  return { key: () => gate } as unknown as BottleneckGroup;
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.rateLimitRetries ?? 3;
  const pacer = options.pacer ?? createWritePacer(options.writesPerHour);
  const onLimit =
    (kind: string) =>
    (after: number, request: { method: string; url: string }, _o: unknown, count: number) => {
      options.log(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}; retry ${count + 1} in ${after}s`,
      );
      return count < retries;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      // Replaces the defaults' request options, so keep their proxy agent.
      request: {
        agent: actionsDefaults.request?.agent,
        fetch: fetchWithTimeout(options.timeoutMs ?? 30_000, options.fetch),
      },
      // The throttling plugin waits out rate-limit answers (primary, secondary, retry-after);
      // the pacer keeps writes within GitHub's content-creation limits.
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: options.retryBaseMs ?? 1000,
        write: pacedWriteGroup(pacer),
      },
      retry: {
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
        retryAfterBaseValue: options.retryBaseMs ?? 1000,
      },
    },
    throttling,
    retry,
  );
}
