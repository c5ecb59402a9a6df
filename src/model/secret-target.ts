/** Where a key is written: secret scopes, targets, and how people and caches name them. */

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

/** A stable key per scope (GitHub names ignore case): one public key is fetched per key per run. */
export function scopeKey(scope: SecretScope): string {
  switch (scope.type) {
    case 'repository':
      return `repo:${scope.owner}/${scope.repo}:${scope.kind}`.toLowerCase();
    case 'environment':
      return `env:${scope.owner}/${scope.repo}:${scope.environment}`.toLowerCase();
    case 'organization':
      return `org:${scope.org}:${scope.kind}`.toLowerCase();
  }
}

/** GitHub secret names ignore case: FOO and foo are one secret. */
export function sameSecretName(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

/** One key per secret (scope and name), equal for names that GitHub treats as the same. */
export function secretKey(scope: SecretScope, name: string): string {
  return `${scopeKey(scope)}\n${name.toUpperCase()}`;
}

const KIND_LABEL: Record<SecretKind, string> = {
  actions: 'Actions',
  dependabot: 'Dependabot',
  codespaces: 'Codespaces',
};

/** How a person reads a scope in logs and the summary. */
export function describeScope(scope: SecretScope): string {
  switch (scope.type) {
    case 'repository':
      return `${scope.owner}/${scope.repo} (${KIND_LABEL[scope.kind]})`;
    case 'environment':
      return `${scope.owner}/${scope.repo} environment ${scope.environment}`;
    case 'organization':
      return `organization ${scope.org} (${KIND_LABEL[scope.kind]})`;
  }
}

export function describeTarget(target: Target): string {
  return `${describeScope(target.scope)}: ${target.accessKeyIdName}, ${target.secretAccessKeyName}`;
}
