/** Who the action runs as: one STS GetCallerIdentity per run, with the action's own credentials. */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { NewKey } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import { userNameFromArn } from './arn.js';
import { explainAwsError } from './aws-errors.js';

export interface Caller {
  /** The IAM user the action runs as; undefined for roles (OIDC) and federated sessions. */
  readonly userName: string | undefined;
  readonly arn: string;
  /** The AWS account of the action's own credentials. */
  readonly accountId: string;
}

export async function identifyCaller(sts: STSClient): Promise<Caller> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const arn = identity.Arn ?? '';
    return { arn, userName: userNameFromArn(arn), accountId: identity.Account ?? '' };
  } catch (error) {
    const reason = messageOf(explainAwsError(error));
    throw new Error(`AWS credentials do not work (${reason}); nothing was changed`);
  }
}

/**
 * The access key the action runs with, when it is an IAM user's long-lived key (no session
 * token): self-rotation writes it back to its own targets if it must. Undefined otherwise.
 */
export async function ownAccessKey(sts: STSClient): Promise<NewKey | undefined> {
  const provider = sts.config.credentials;
  const credentials = typeof provider === 'function' ? await provider() : undefined;
  if (!credentials || credentials.sessionToken) return undefined;
  const { accessKeyId, secretAccessKey } = credentials;
  return { id: accessKeyId, secret: secretAccessKey, createdAt: new Date(0) };
}
