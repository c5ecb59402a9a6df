/** Shared vocabulary: settings, targets, key facts and results. No behaviour lives here. */

export type SecretKind = 'actions' | 'dependabot' | 'codespaces';
export type OrgVisibility = 'all' | 'private' | 'selected';

export interface RepositoryScope {
  readonly type: 'repository';
  readonly owner: string;
  readonly repo: string;
  readonly kind: SecretKind;
}

export interface EnvironmentScope {
  readonly type: 'environment';
  readonly owner: string;
  readonly repo: string;
  readonly environment: string;
}

export interface OrganizationScope {
  readonly type: 'organization';
  readonly org: string;
  readonly kind: SecretKind;
}

/** Where secrets live; each scope has one public key. */
export type SecretScope = RepositoryScope | EnvironmentScope | OrganizationScope;

/** Who may read an organization secret; absent means "keep what GitHub has". */
export interface OrgAccess {
  readonly visibility: OrgVisibility;
  readonly repositories?: readonly string[];
}

/** One place that holds a user's key: a scope and the two secret names in it. */
export interface Target {
  readonly scope: SecretScope;
  readonly accessKeyIdName: string;
  readonly secretAccessKeyName: string;
  readonly orgAccess?: OrgAccess;
}

export interface UserSpec {
  readonly name: string;
  readonly targets: readonly Target[];
}

export type RetireAction = 'deactivate' | 'delete';
export type TwoActiveKeysPolicy = 'fail' | 'delete-least-recently-used';

export interface RotationPolicy {
  readonly maxAgeDays: number;
  readonly retireOldKey: RetireAction;
  readonly deleteInactiveAfterDays: number;
  readonly twoActiveKeys: TwoActiveKeysPolicy;
  readonly verifyNewKey: boolean;
  readonly verifyTimeoutSeconds: number;
}

export interface Settings {
  readonly githubToken: string | undefined;
  readonly users: readonly UserSpec[];
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
  readonly concurrency: number;
}

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
