/**
 * IAM's credential report: every user's keys in one download instead of calls per user. AWS
 * keeps a report up to four hours, so `generatedAt` says how stale the facts may be.
 */

/** One of a user's two access key slots as the report describes it. */
export interface KeySlot {
  readonly active: boolean;
  /** When the key was created or last rotated; undefined when the slot holds no key. */
  readonly lastRotated: Date | undefined;
  /** null: never used ('N/A'); undefined: IAM has no information. */
  readonly lastUsed: Date | null | undefined;
  readonly lastUsedRegion?: string;
  readonly lastUsedService?: string;
}

export interface ReportedUser {
  readonly user: string;
  readonly arn: string;
  /** The account in the ARN. */
  readonly accountId: string;
  readonly createdAt: Date;
  readonly keys: readonly [KeySlot, KeySlot];
}

export interface CredentialReport {
  readonly generatedAt: Date;
  readonly users: readonly ReportedUser[];
}
