/** An Octokit that waits out rate limits and retries transient failures. */
import { getOctokit } from '@actions/github';
import { defaults as actionsDefaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

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
}

type Fetch = typeof fetch;

/** Adds a per-attempt timeout to the runner's proxy-aware fetch. */
function fetchWithTimeout(timeoutMs: number): Fetch {
  const inner = (actionsDefaults.request?.fetch as Fetch | undefined) ?? fetch;
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return inner(input, { ...init, signal });
  };
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.rateLimitRetries ?? 3;
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
        fetch: fetchWithTimeout(options.timeoutMs ?? 30_000),
      },
      // The throttling plugin also spaces writes one second apart, as GitHub asks.
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: options.retryBaseMs ?? 1000,
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
