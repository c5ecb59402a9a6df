/** An Octokit that waits out rate limits and retries transient failures. */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  readonly token: string;
  readonly baseUrl: string;
  readonly log: (message: string) => void;
  /** How many times a rate-limited request is retried before it fails. */
  readonly rateLimitRetries?: number;
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
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
    },
    throttling,
    retry,
  );
}
