/** What IAM says about access keys, and the rules every layer shares about keys and users. */

export type KeyStatus = 'Active' | 'Inactive';

/** When and where a key was last used (IAM GetAccessKeyLastUsed). */
export interface LastUse {
  /** null: never used. */
  readonly at: Date | null;
  readonly service?: string | undefined;
  readonly region?: string | undefined;
}

/** What IAM says about one access key. */
export interface KeyFact {
  readonly id: string;
  readonly status: KeyStatus;
  readonly createdAt: Date;
  /** undefined: not looked up; null: never used. */
  readonly lastUsedAt?: Date | null;
  readonly lastUsedService?: string | undefined;
  readonly lastUsedRegion?: string | undefined;
}

/** The key with its last use filled in. */
export function withLastUse(key: KeyFact, use: LastUse): KeyFact {
  return {
    ...key,
    lastUsedAt: use.at,
    lastUsedService: use.service,
    lastUsedRegion: use.region,
  };
}

/** A freshly created key; `secret` must never reach a log, output or report. */
export interface NewKey {
  readonly id: string;
  readonly secret: string;
  readonly createdAt: Date;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Whole days from `then` to `now` (a key created 89.9 days ago is 89 days old). */
export function ageInDays(then: Date, now: Date): number {
  return Math.floor((now.getTime() - then.getTime()) / DAY_MS);
}

/** IAM user names are unique regardless of case: "CI" and "ci" are one user, with one key. */
export function iamUserKey(name: string): string {
  return name.toLowerCase();
}

export function sameIamUser(a: string, b: string | undefined): boolean {
  return b !== undefined && iamUserKey(a) === iamUserKey(b);
}
