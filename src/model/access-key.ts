/** What IAM says about access keys, and the rules every layer shares about keys and users. */

export type KeyStatus = 'Active' | 'Inactive';

/** What IAM says about one access key. */
export interface KeyFact {
  readonly id: string;
  readonly status: KeyStatus;
  readonly createdAt: Date;
  /** undefined: not looked up; null: never used. */
  readonly lastUsedAt?: Date | null;
}

/** A freshly created key; `secret` must never reach a log, output or report. */
export interface NewKey {
  readonly id: string;
  readonly secret: string;
  readonly createdAt: Date;
}

const DAY_MS = 86_400_000;

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
