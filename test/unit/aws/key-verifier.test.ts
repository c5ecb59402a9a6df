import { beforeEach, describe, expect, it } from '@jest/globals';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { userNameFromArn } from '../../../src/aws/arn.js';
import { createKeyVerifier } from '../../../src/aws/key-verifier.js';
import type { Clock as VerifierClock } from '../../../src/lib/clock.js';

const stsMock = mockClient(STSClient);
const key = { id: 'AKIANEW', secret: 's', createdAt: new Date() };

/** A clock whose sleeps only move time forward. */
function fakeClock(): VerifierClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

beforeEach(() => {
  stsMock.reset();
});

describe('userNameFromArn', () => {
  it.each([
    ['arn:aws:iam::123456789012:user/ci-deploy', 'ci-deploy'],
    ['arn:aws:iam::123456789012:user/rotated/team/ci-deploy', 'ci-deploy'],
    ['arn:aws:sts::123456789012:assumed-role/r/s', undefined],
    [undefined, undefined],
  ])('%s -> %s', (arn, name) => expect(userNameFromArn(arn)).toBe(name));
});

describe('key verifier', () => {
  it('retries with growing backoff until the key authenticates', async () => {
    const denied = Object.assign(
      new Error('The security token included in the request is invalid'),
      {
        name: 'InvalidClientTokenId',
      },
    );
    stsMock
      .on(GetCallerIdentityCommand)
      .rejectsOnce(denied)
      .rejectsOnce(denied)
      .resolves({ Arn: 'arn:aws:iam::123456789012:user/ci-deploy' });
    const clock = fakeClock();
    await createKeyVerifier(() => new STSClient({ region: 'us-east-1' }), clock).waitUntilWorks(
      'ci-deploy',
      key,
      60,
    );
    expect(clock.slept).toEqual([1000, 2000]);
  });

  it('gives up at the timeout with the last error', async () => {
    stsMock
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('invalid token'), { name: 'InvalidClientTokenId' }));
    const clock = fakeClock();
    const verifier = createKeyVerifier(() => new STSClient({ region: 'us-east-1' }), clock);
    await expect(verifier.waitUntilWorks('ci-deploy', key, 10)).rejects.toThrow(
      /AKIANEW did not authenticate within 10s \(InvalidClientTokenId: invalid token\)/,
    );
    expect(clock.now()).toBeLessThanOrEqual(10_000);
  });

  it('compares user names without case, as IAM does', async () => {
    stsMock
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:iam::123456789012:user/CI-Deploy' });
    const verifier = createKeyVerifier(() => new STSClient({ region: 'us-east-1' }), fakeClock());
    await expect(verifier.waitUntilWorks('ci-deploy', key, 2)).resolves.toBeUndefined();
  });

  it('refuses a key that authenticates as someone else', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::123456789012:user/other' });
    const verifier = createKeyVerifier(() => new STSClient({ region: 'us-east-1' }), fakeClock());
    await expect(verifier.waitUntilWorks('ci-deploy', key, 2)).rejects.toThrow(
      /authenticated as .*user\/other/,
    );
  });
});
