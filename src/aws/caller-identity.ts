/** Who the action runs as: one STS GetCallerIdentity per run, with the action's own credentials. */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { messageOf } from '../model/errors.js';
import { userNameFromArn } from './arn.js';
import { explainAwsError } from './aws-errors.js';

export interface Caller {
  /** The IAM user the action runs as; undefined for roles (OIDC) and federated sessions. */
  readonly userName: string | undefined;
  readonly arn: string;
}

export async function identifyCaller(sts: STSClient): Promise<Caller> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const arn = identity.Arn ?? '';
    return { arn, userName: userNameFromArn(arn) };
  } catch (error) {
    const reason = messageOf(explainAwsError(error));
    throw new Error(`AWS credentials do not work (${reason}); nothing was changed`);
  }
}
