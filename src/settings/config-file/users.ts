/** A file the schema and the rules accepted -> the UserSpec[] the action rotates. */
import type { OrgAccess, OrgVisibility, SecretKind, Target } from '../../model/secret-target.js';
import type { UserSpec } from '../../model/settings.js';
import type { Loose } from './loose.js';
import { scopeOf, secretNames } from './target-scope.js';

/** The file's shape once the schema has accepted it. */
interface RawTarget {
  readonly repository?: string;
  readonly environment?: string;
  readonly organization?: string;
  readonly visibility?: OrgVisibility;
  readonly repositories?: readonly string[];
  readonly kind?: SecretKind;
  readonly 'access-key-id'?: string;
  readonly 'secret-access-key'?: string;
}

interface RawUser {
  readonly name: string;
  readonly targets: readonly RawTarget[];
}

/** Only for validated data: the casts rely on the schema having checked the shape. */
export function toUserSpecs(data: unknown): UserSpec[] {
  return (data as { users: RawUser[] }).users.map(toUserSpec);
}

function toUserSpec(user: RawUser): UserSpec {
  return { name: user.name, targets: user.targets.map(toTarget) };
}

function toTarget(raw: RawTarget): Target {
  const scope = scopeOf(raw as Loose);
  if (!scope) throw new Error('unreachable: a validated target always has a scope');
  const names = secretNames(raw as Loose);
  const target = { scope, accessKeyIdName: names[0], secretAccessKeyName: names[1] };
  const orgAccess = orgAccessOf(raw);
  return orgAccess ? { ...target, orgAccess } : target;
}

/**
 * Without `visibility` the action keeps the access an existing secret has. With it, the file
 * is the truth: `selected` without `repositories` means no repository, stated explicitly as [].
 */
function orgAccessOf(raw: RawTarget): OrgAccess | undefined {
  if (raw.organization === undefined || raw.visibility === undefined) return undefined;
  if (raw.visibility !== 'selected') return { visibility: raw.visibility };
  return { visibility: 'selected', repositories: [...(raw.repositories ?? [])] };
}
