/**
 * What a target in the file writes to: its secret scope and its two secret names. Shared by the
 * clash check (on unchecked data) and the UserSpec mapping (on validated data), so both agree.
 */
import {
  DEFAULT_ACCESS_KEY_ID_NAME,
  DEFAULT_SECRET_ACCESS_KEY_NAME,
  parseRepository,
} from '../naming-rules.js';
import type { SecretKind, SecretScope } from '../../model/secret-target.js';
import type { Loose } from './loose.js';

/** [access key id name, secret access key name], defaults filled in. */
export function secretNames(target: Loose): [string, string] {
  const id = target['access-key-id'];
  const secret = target['secret-access-key'];
  return [
    typeof id === 'string' ? id : DEFAULT_ACCESS_KEY_ID_NAME,
    typeof secret === 'string' ? secret : DEFAULT_SECRET_ACCESS_KEY_NAME,
  ];
}

/** The target's scope, or undefined when the target is too broken to have one. */
export function scopeOf(target: Loose): SecretScope | undefined {
  const { kind = 'actions' } = target;
  if (kind !== 'actions' && kind !== 'dependabot' && kind !== 'codespaces') return undefined;
  return target['organization'] === undefined
    ? repositoryScopeOf(target, kind)
    : organizationScopeOf(target, kind);
}

function organizationScopeOf(target: Loose, kind: SecretKind): SecretScope | undefined {
  const { organization, repository } = target;
  return typeof organization === 'string' && repository === undefined
    ? { type: 'organization', org: organization, kind }
    : undefined;
}

function repositoryScopeOf(target: Loose, kind: SecretKind): SecretScope | undefined {
  const { repository, environment } = target;
  const parsed = typeof repository === 'string' ? parseRepository(repository) : undefined;
  if (!parsed || 'problem' in parsed) return undefined;
  if (environment === undefined) return { type: 'repository', ...parsed, kind };
  return typeof environment === 'string' && kind === 'actions'
    ? { type: 'environment', ...parsed, environment }
    : undefined;
}
