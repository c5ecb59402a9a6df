/** The few IAM operations rotation needs, over the AWS SDK; failures come out explained. */
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  paginateListAccessKeys,
  paginateListUserTags,
} from '@aws-sdk/client-iam';
import type { KeyFact, KeyStatus } from '../model/access-key.js';
import type { IamGateway } from '../model/gateways.js';
import { explainAwsError, explained } from './aws-errors.js';

async function listAll(client: IAMClient, user: string): Promise<KeyFact[]> {
  const keys: KeyFact[] = [];
  for await (const page of paginateListAccessKeys({ client }, { UserName: user })) {
    for (const meta of page.AccessKeyMetadata ?? []) {
      if (!meta.AccessKeyId || !meta.CreateDate) continue;
      const status: KeyStatus = meta.Status === 'Active' ? 'Active' : 'Inactive';
      keys.push({ id: meta.AccessKeyId, status, createdAt: meta.CreateDate });
    }
  }
  return keys;
}

/** Gives the IAM client the gateway sends through; replaced after self-rotation. */
export type IamClientSource = () => IAMClient;

/**
 * `mask` is called with the new secret before createKey returns, so no later
 * step can print it unmasked.
 */
export function createIamGateway(
  client: IamClientSource,
  mask: (secret: string) => void,
): IamGateway {
  return {
    async listKeys(user) {
      try {
        return await listAll(client(), user);
      } catch (error) {
        // The first call for a user: a missing user is a typo, not a race.
        if (error instanceof Error && error.name.startsWith('NoSuchEntity')) {
          throw new Error(`IAM user ${user} does not exist (${error.message}); check its name`);
        }
        throw explainAwsError(error);
      }
    },
    lastUsed: (keyId) =>
      explained(async () => {
        const out = await client().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }));
        const used = out.AccessKeyLastUsed;
        // IAM answers "N/A" for the service and region of a key never used.
        const known = (text: string | undefined) => (text && text !== 'N/A' ? text : undefined);
        return {
          at: used?.LastUsedDate ?? null,
          service: known(used?.ServiceName),
          region: known(used?.Region),
        };
      }),
    createKey: (user) =>
      explained(async () => {
        const out = await client().send(new CreateAccessKeyCommand({ UserName: user }));
        const key = out.AccessKey;
        if (key?.SecretAccessKey) mask(key.SecretAccessKey);
        if (!key?.AccessKeyId || !key.SecretAccessKey) {
          throw new Error(`IAM CreateAccessKey returned no key for ${user}`);
        }
        return {
          id: key.AccessKeyId,
          secret: key.SecretAccessKey,
          createdAt: key.CreateDate ?? new Date(),
        };
      }),
    setStatus: (user, keyId, status) =>
      explained(async () => {
        await client().send(
          new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: keyId, Status: status }),
        );
      }),
    deleteKey: (user, keyId) =>
      explained(async () => {
        await client().send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: keyId }));
      }),
    ...createTagOperations(client),
  };
}

/** The rotation record lives in user tags. */
function createTagOperations(
  client: IamClientSource,
): Pick<IamGateway, 'listTags' | 'tagUser' | 'untagUser'> {
  return {
    listTags: (user) =>
      explained(async () => {
        const tags: Record<string, string> = {};
        for await (const page of paginateListUserTags({ client: client() }, { UserName: user })) {
          for (const tag of page.Tags ?? []) tags[tag.Key ?? ''] = tag.Value ?? '';
        }
        return tags;
      }),
    tagUser: (user, tags) =>
      explained(async () => {
        const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
        await client().send(new TagUserCommand({ UserName: user, Tags }));
      }),
    untagUser: (user, keys) =>
      explained(async () => {
        await client().send(new UntagUserCommand({ UserName: user, TagKeys: [...keys] }));
      }),
  };
}
