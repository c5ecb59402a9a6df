/** Waits until IAM has propagated a new key: STS GetCallerIdentity signed by that key. */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { systemClock, type Clock } from '../lib/clock.js';
import { sameIamUser, type NewKey } from '../model/access-key.js';
import type { KeyVerifier } from '../model/gateways.js';
import { userNameFromArn } from './arn.js';

export type StsClientFactory = (key: NewKey) => STSClient;

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 8000;

export function createKeyVerifier(
  makeClient: StsClientFactory,
  clock: Clock = systemClock,
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
    const same = sameIamUser(user, userNameFromArn(identity.Arn));
    return same ? '' : `it authenticated as ${identity.Arn ?? 'an unknown identity'}`;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}
