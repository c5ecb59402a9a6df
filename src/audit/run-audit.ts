/**
 * The audit over every account of the run: each account's credential report (shared with the
 * fast path), its stale keys, and which of them this run leaves as they are. Reads only.
 */
import type { CredentialReport } from '../model/credential-report.js';
import type { Outcome, UserResult } from '../model/user-result.js';
import { iamUserKey } from '../model/access-key.js';
import { managedSet, staleKeys, type AuditEntry } from './stale-keys.js';

export type AuditMode = 'off' | 'report' | 'fail';

export interface AuditResult {
  readonly entries: readonly AuditEntry[];
  /** Stale keys that remain after this run: not managed, or managed and not rotated now. */
  readonly remaining: readonly AuditEntry[];
  /** Accounts whose report could not be had: the audit could not look there. */
  readonly unaudited: readonly string[];
}

export interface AuditInput {
  /** Every account of the run: undefined is the account of the action's own credentials. */
  readonly accounts: readonly (string | undefined)[];
  /** How the report names an account: its config name, or the own account's id. */
  readonly label: (account: string | undefined) => string;
  readonly reportFor: (account: string | undefined) => Promise<CredentialReport | undefined>;
  /** Every configured user (all shards), by account. */
  readonly managed: (account: string | undefined) => readonly string[];
  /** Whether this job audits a user (its shard's share). */
  readonly isMine: (account: string | undefined, user: string) => boolean;
  readonly maxAgeDays: number;
  readonly now: Date;
  /** This run's results: a user rotated now is not left stale. */
  readonly results: readonly UserResult[];
}

/** Outcomes that mean the action is handling the user's keys now. */
const HANDLED: readonly Outcome[] = ['rotated', 'retired', 'waiting'];

export async function runAudit(input: AuditInput): Promise<AuditResult> {
  const entries: AuditEntry[] = [];
  const unaudited: string[] = [];
  for (const account of input.accounts) {
    const report = await input.reportFor(account);
    if (!report) {
      unaudited.push(input.label(account));
      continue;
    }
    entries.push(
      ...staleKeys(report, {
        account: input.label(account),
        maxAgeDays: input.maxAgeDays,
        now: input.now,
        isManaged: managedSet(input.managed(account)),
        isMine: (user) => input.isMine(account, user),
      }),
    );
  }
  const handled = new Set(
    input.results
      .filter((r) => HANDLED.includes(r.outcome))
      .map((r) => `${r.account ?? ''}\n${iamUserKey(r.user)}`),
  );
  const remaining = entries.filter(
    (entry) => !entry.managed || !handled.has(`${entry.account}\n${iamUserKey(entry.user)}`),
  );
  return { entries, remaining, unaudited };
}
