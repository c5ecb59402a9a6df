/** GitHub paths and names for secret scopes: REST paths, settings pages, token permissions. */
import type { SecretScope } from '../model/secret-target.js';

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
