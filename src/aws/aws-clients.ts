/** AWS SDK clients with the SDK's standard settings (endpoints, credentials chain, retries). */
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { NewKey } from '../model/access-key.js';

// IAM is global; the SDK still needs a region to sign. Honour the usual variables.
export function awsRegion(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

const IAM_ATTEMPTS = 6;

type RefreshArgs = Parameters<AdaptiveRetryStrategy['refreshRetryTokenForRetry']>;

/**
 * IAM answers LimitExceeded for a quota (a third access key, a 51st tag), and the SDK retries it
 * as throttling. Waiting lifts no quota, and a retry that succeeds because a key was deleted
 * meanwhile acts on a decision that is no longer true: it is not retried. All else is as before.
 */
class QuotaAwareRetryStrategy extends AdaptiveRetryStrategy {
  override refreshRetryTokenForRetry(...[token, info]: RefreshArgs) {
    if (info.error?.name === 'LimitExceededException') return Promise.reject(info.error);
    return super.refreshRetryTokenForRetry(token, info);
  }
}

/**
 * Retries of an IAM client: adaptive, so they back off on Throttling across all concurrent users,
 * not per request; never for a quota. One strategy per client: it holds the client's send rate.
 */
export function iamRetries(): { maxAttempts: number; retryStrategy: AdaptiveRetryStrategy } {
  return { maxAttempts: IAM_ATTEMPTS, retryStrategy: new QuotaAwareRetryStrategy(IAM_ATTEMPTS) };
}

export function createIamClient(region: string, credentials?: NewKey): IAMClient {
  return new IAMClient({
    region,
    ...iamRetries(),
    ...(credentials ? { credentials: asCredentials(credentials) } : {}),
  });
}

/** A client signed by a new key; one attempt per call, the verifier does its own waiting. */
export function createStsClientFor(region: string, key: NewKey): STSClient {
  return new STSClient({ region, maxAttempts: 1, credentials: asCredentials(key) });
}

/** The client that runs as the action's own credentials (default chain). */
export function createCallerStsClient(region: string): STSClient {
  return new STSClient({ region, maxAttempts: 4 });
}

function asCredentials(key: NewKey): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: key.id, secretAccessKey: key.secret };
}
