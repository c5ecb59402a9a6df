/** Pure helpers that name, key and link targets and their scopes. */
import type { SecretKind, SecretScope, Target } from './types.js';

/** A stable key per scope: one public key is fetched per key per run. */
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

/** The REST path prefix of the scope's secrets, e.g. /repos/o/r/actions/secrets. */
export function secretsPath(scope: SecretScope): string {
  const enc = encodeURIComponent;
  switch (scope.type) {
    case 'repository':
      return `/repos/${enc(scope.owner)}/${enc(scope.repo)}/${scope.kind}/secrets`;
    case 'environment':
      return `/repos/${enc(scope.owner)}/${enc(scope.repo)}/environments/${enc(scope.environment)}/secrets`;
    case 'organization':
      return `/orgs/${enc(scope.org)}/${scope.kind}/secrets`;
  }
}

/** The settings page where a person sees the scope's secrets. */
export function settingsUrl(scope: SecretScope, serverUrl: string): string {
  const base = serverUrl.replace(/\/+$/, '');
  switch (scope.type) {
    case 'repository':
      return `${base}/${scope.owner}/${scope.repo}/settings/secrets/${scope.kind}`;
    case 'environment':
      return `${base}/${scope.owner}/${scope.repo}/settings/environments`;
    case 'organization':
      return `${base}/organizations/${scope.org}/settings/secrets/${scope.kind}`;
  }
}

/** The token permission a scope needs, named as GitHub's token settings name it. */
export function requiredPermission(scope: SecretScope): string {
  if (scope.type === 'environment') {
    return 'repository permissions "Environments: Read and write" and "Secrets: Read and write"';
  }
  const level = scope.type === 'organization' ? 'organization' : 'repository';
  const name = {
    actions: 'Secrets',
    dependabot: 'Dependabot secrets',
    codespaces: 'Codespaces secrets',
  }[scope.kind];
  return `${level} permission "${name}: Read and write"`;
}
