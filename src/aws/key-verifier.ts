/** Waits until IAM has propagated a new key: STS GetCallerIdentity signed by that key. */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { NewKey } from '../types.js';

export interface KeyVerifier {
  /** Resolves once the key authenticates as `user`; rejects after `timeoutSeconds`. */
  waitUntilWorks(user: string, key: NewKey, timeoutSeconds: number): Promise<void>;
}

export type StsClientFactory = (key: NewKey) => STSClient;

export interface VerifierClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: VerifierClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The user name at the end of an IAM user ARN (which may carry a path). */
export function userNameFromArn(arn: string | undefined): string | undefined {
  const match = /:user\/(?:.*\/)?([^/]+)$/.exec(arn ?? '');
  return match?.[1];
}

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 8000;

export function createKeyVerifier(
  makeClient: StsClientFactory,
  clock: VerifierClock = systemClock,
): KeyVerifier {
  return {
    async waitUntilWorks(user, key, timeoutSeconds) {
      const deadline = clock.now() + timeoutSeconds * 1000;
      const client = makeClient(key);
      let delay = FIRST_DELAY_MS;
      let lastProblem = 'no attempt was made';
      try {
        for (;;) {
          lastProblem = await tryOnce(client, user);
          if (!lastProblem) return;
          if (clock.now() + delay > deadline) break;
          await clock.sleep(delay);
          delay = Math.min(delay * 2, MAX_DELAY_MS);
        }
      } finally {
        client.destroy();
      }
      throw new Error(
        `the new key ${key.id} did not authenticate within ${timeoutSeconds}s (${lastProblem})`,
      );
    },
  };
}

/** One attempt: '' on success, otherwise why it failed. */
async function tryOnce(client: STSClient, user: string): Promise<string> {
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}));
    const name = userNameFromArn(identity.Arn);
    // IAM user names are case-insensitive.
    const same = name?.toLowerCase() === user.toLowerCase();
    return same ? '' : `it authenticated as ${identity.Arn ?? 'an unknown identity'}`;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}
