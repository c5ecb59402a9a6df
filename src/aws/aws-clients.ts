/** AWS SDK clients with the SDK's standard settings (endpoints, credentials chain, retries). */
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { NewKey } from '../model/access-key.js';

// IAM is global; the SDK still needs a region to sign. Honour the usual variables.
export function awsRegion(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/** Adaptive retries back off on Throttling across all concurrent users, not per request. */
export function createIamClient(region: string, credentials?: NewKey): IAMClient {
  return new IAMClient({
    region,
    maxAttempts: 6,
    retryMode: 'adaptive',
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
