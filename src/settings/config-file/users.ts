/** A file the schema and the rules accepted -> the users (and accounts) the action rotates. */
import type { OrgAccess, OrgVisibility, SecretKind, Target } from '../../model/secret-target.js';
import type { AccountSpec, UserSpec } from '../../model/settings.js';
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
  readonly account?: string;
  readonly targets: readonly RawTarget[];
}

interface RawAccount {
  readonly 'role-arn': string;
  readonly 'external-id'?: string;
}

interface RawFile {
  readonly accounts?: Readonly<Record<string, RawAccount>>;
  readonly users: readonly RawUser[];
}

/** Only for validated data: the casts rely on the schema having checked the shape. */
export function toUserSpecs(data: unknown): UserSpec[] {
  return (data as RawFile).users.map(toUserSpec);
}

/** The file's accounts, in file order. */
export function toAccountSpecs(data: unknown): AccountSpec[] {
  return Object.entries((data as RawFile).accounts ?? {}).map(([name, raw]) => ({
    name,
    roleArn: raw['role-arn'],
    ...(raw['external-id'] === undefined ? {} : { externalId: raw['external-id'] }),
  }));
}

function toUserSpec(user: RawUser): UserSpec {
  const account = user.account === undefined ? {} : { account: user.account };
  return { name: user.name, ...account, targets: user.targets.map(toTarget) };
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
