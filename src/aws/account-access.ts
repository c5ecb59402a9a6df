/**
 * The AWS accounts of a run: an IAM gateway per account (the action's own, or a role assumed in
 * another account) and each account's credential report, read once. A report that cannot be
 * had is said once, and the engine then checks every user of that account one by one.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { memoizeAsync } from '../lib/memoize-async.js';
import type { CredentialReport } from '../model/credential-report.js';
import type { IamGateway } from '../model/gateways.js';
import type { AccountSessions } from './account-sessions.js';
import {
  CredentialReportUnavailable,
  readCredentialReport,
  type CredentialReportOptions,
} from './credential-report.js';
import { createIamGateway } from './iam-gateway.js';

export interface AccountAccessOptions {
  /** The client of the action's own credentials; replaced when the action rotates itself. */
  readonly ownIam: () => IAMClient;
  /** Roles in the other accounts, assumed lazily. */
  readonly sessions: AccountSessions | undefined;
  readonly mask: (secret: string) => void;
  readonly log: (line: string) => void;
  readonly report?: CredentialReportOptions;
}

const OWN = '';

export function createAccountAccess(options: AccountAccessOptions) {
  const clientFor = async (account: string | undefined): Promise<IAMClient> => {
    if (account === undefined) return options.ownIam();
    if (!options.sessions) throw new Error(`no AWS account named "${account}" is configured`);
    return options.sessions.iamClientFor(account);
  };
  const gateway = memoizeAsync(
    async (account: string | undefined): Promise<IamGateway> => {
      if (account === undefined) return createIamGateway(options.ownIam, options.mask);
      const client = await clientFor(account);
      return createIamGateway(() => client, options.mask);
    },
    (account) => account ?? OWN,
  );
  const report = memoizeAsync(
    async (account: string | undefined): Promise<CredentialReport | undefined> => {
      try {
        return await readCredentialReport(await clientFor(account), options.report);
      } catch (error) {
        if (!(error instanceof CredentialReportUnavailable)) throw error;
        const which = account === undefined ? '' : ` of AWS account "${account}"`;
        options.log(`${error.message}${which}; every user there is checked one by one`);
        return undefined;
      }
    },
    (account) => account ?? OWN,
  );
  return { gatewayFor: gateway, reportFor: report };
}
