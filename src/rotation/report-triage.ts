/**
 * The fast path: the account's credential report says, for all users at once, who may need
 * action (pure). The report may be up to four hours old and holds no key ids, so it can only
 * rule a user out: exactly one key, active, younger than max-age-days (reckoned from now, so a
 * stale report cannot hide a key that aged since). Anything else goes down the per-user path.
 */
import { DAY_MS, ageInDays, iamUserKey } from '../model/access-key.js';
import type { CredentialReport, KeySlot } from '../model/credential-report.js';
import type { RotationPolicy } from '../model/settings.js';

export type Triage =
  | { readonly kind: 'check' }
  | {
      readonly kind: 'fresh';
      readonly ageDays: number;
      readonly nextDue: Date;
      readonly lastUse: KeySlot['lastUsed'];
    };

/** The report's rows by user name (IAM names ignore case). */
export function indexReport(report: CredentialReport): ReadonlyMap<string, KeySlot[]> {
  return new Map(report.users.map((row) => [iamUserKey(row.user), [...row.keys]]));
}

export function triage(
  slots: readonly KeySlot[] | undefined,
  policy: RotationPolicy,
  now: Date,
): Triage {
  // Not in the report (made since), or not exactly one key: the per-user path decides.
  const keys = (slots ?? []).filter((slot) => slot.lastRotated !== undefined || slot.active);
  const [key] = keys;
  if (keys.length !== 1 || !key?.active || !key.lastRotated) return { kind: 'check' };
  const ageDays = ageInDays(key.lastRotated, now);
  if (ageDays >= policy.maxAgeDays) return { kind: 'check' };
  const nextDue = new Date(key.lastRotated.getTime() + policy.maxAgeDays * DAY_MS);
  return { kind: 'fresh', ageDays, nextDue, lastUse: key.lastUsed };
}
