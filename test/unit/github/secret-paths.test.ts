import { describe, expect, it } from '@jest/globals';
import { requiredPermission, secretsPath, settingsUrl } from '../../../src/github/secret-paths.js';
import { scopeKey } from '../../../src/model/secret-target.js';

describe('targets', () => {
  const env = {
    type: 'environment',
    owner: 'octo',
    repo: 'app',
    environment: 'prod/eu 1',
  } as const;
  const org = { type: 'organization', org: 'Octo', kind: 'dependabot' } as const;

  it('encodes path segments that need it', () => {
    expect(secretsPath(env)).toBe('/repos/octo/app/environments/prod%2Feu%201/secrets');
    expect(secretsPath(org)).toBe('/orgs/Octo/dependabot/secrets');
  });

  it('keys scopes case-insensitively, as GitHub names are', () => {
    expect(scopeKey(org)).toBe(scopeKey({ ...org, org: 'octo' }));
    expect(scopeKey(org)).not.toBe(scopeKey({ ...org, kind: 'actions' }));
  });

  it('links to the settings page and names the permission each scope needs', () => {
    expect(settingsUrl(org, 'https://ghe.example.com/')).toBe(
      'https://ghe.example.com/organizations/Octo/settings/secrets/dependabot',
    );
    expect(requiredPermission(org)).toBe(
      'organization permission "Dependabot secrets: Read and write"',
    );
    expect(requiredPermission(env)).toBe(
      'repository permissions "Environments: Read and write" and "Secrets: Read and write"',
    );
  });
});
