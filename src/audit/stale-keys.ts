/**
 * The audit (pure): from an account's credential report, every IAM user with an active key that
 * is stale: at or past max-age-days, never used, or unused for longer than max-age-days. Users
 * the configuration does not manage are flagged: nothing rotates their keys. It only reads.
 */
import { ageInDays, iamUserKey } from '../model/access-key.js';
import type { CredentialReport, KeySlot } from '../model/credential-report.js';

export interface AuditedKey {
  /** 1 or 2: the key slot in the credential report (the report holds no key ids). */
  readonly slot: number;
  readonly active: boolean;
  readonly ageDays: number | null;
  /** ISO 8601; null: never used; absent: IAM has no information. */
  readonly lastUsedAt?: string | null;
  readonly lastUsedService?: string;
  readonly lastUsedRegion?: string;
  /** Why this key is stale; empty when it is not. */
  readonly findings: readonly string[];
}

export interface AuditEntry {
  /** The account's name in the config file, or the id of the action's own account. */
  readonly account: string;
  readonly user: string;
  readonly managed: boolean;
  readonly keys: readonly AuditedKey[];
}

export interface AuditOptions {
  readonly account: string;
  readonly maxAgeDays: number;
  readonly now: Date;
  /** Whether the configuration (any shard of it) rotates this user. */
  readonly isManaged: (user: string) => boolean;
  /** Whether this job audits this user (its shard's share); all when not sharded. */
  readonly isMine: (user: string) => boolean;
}

export function staleKeys(report: CredentialReport, options: AuditOptions): AuditEntry[] {
  return report.users
    .filter((row) => options.isMine(row.user))
    .map((row) => ({
      account: options.account,
      user: row.user,
      managed: options.isManaged(row.user),
      keys: row.keys.flatMap((slot, i) => auditedKey(slot, i + 1, options)),
    }))
    .filter((entry) => entry.keys.some((key) => key.findings.length > 0));
}

function auditedKey(slot: KeySlot, number: number, options: AuditOptions): AuditedKey[] {
  if (!slot.lastRotated && !slot.active) return []; // an empty slot
  const ageDays = slot.lastRotated ? ageInDays(slot.lastRotated, options.now) : null;
  const used =
    slot.lastUsed === undefined
      ? {}
      : { lastUsedAt: slot.lastUsed === null ? null : slot.lastUsed.toISOString() };
  return [
    {
      slot: number,
      active: slot.active,
      ageDays,
      ...used,
      ...(slot.lastUsedService ? { lastUsedService: slot.lastUsedService } : {}),
      ...(slot.lastUsedRegion ? { lastUsedRegion: slot.lastUsedRegion } : {}),
      findings: slot.active ? findingsOf(slot, ageDays, options) : [],
    },
  ];
}

function findingsOf(slot: KeySlot, ageDays: number | null, options: AuditOptions): string[] {
  const { maxAgeDays, now } = options;
  const findings: string[] = [];
  if (ageDays === null) findings.push('age unknown');
  else if (ageDays >= maxAgeDays) findings.push(`${ageDays} days old`);
  // A key older than a day that never signed anything; a new one is given its first day.
  if (slot.lastUsed === null && (ageDays ?? 0) >= 1) findings.push('never used');
  if (slot.lastUsed) {
    const idle = ageInDays(slot.lastUsed, now);
    if (idle >= maxAgeDays) findings.push(`unused for ${idle} days`);
  }
  return findings;
}

/** User names as the configuration lists them, for `isManaged` (IAM names ignore case). */
export function managedSet(names: readonly string[]): (user: string) => boolean {
  const set = new Set(names.map(iamUserKey));
  return (user) => set.has(iamUserKey(user));
}
