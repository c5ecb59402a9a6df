/**
 * One secret holds one key: two targets writing the same secret would overwrite each other's
 * key, and a target whose two names are one secret would overwrite its own key id.
 */
import {
  describeScope,
  sameSecretName,
  secretKey,
  type SecretScope,
} from '../../model/secret-target.js';
import { entries, type Entry } from './loose.js';
import { pathText, type Path, type Problem } from './problem.js';
import { scopeOf, secretNames } from './target-scope.js';

/** Secret (scope and name) -> the path of the first target that writes it. */
type Claims = Map<string, Path>;

/** A target that writes secrets: where it is, and which two secrets it writes. */
interface Writer {
  readonly path: Path;
  readonly scope: SecretScope;
  readonly names: readonly [string, string];
}

/** Every clash between the users' targets, reported at the later target. */
export function duplicateSecrets(users: readonly Entry[]): Problem[] {
  const claims: Claims = new Map();
  const problems: Problem[] = [];
  for (const user of users) {
    for (const target of entries(user.value['targets'], [...user.path, 'targets'])) {
      problems.push(...targetClashes(target, claims));
    }
  }
  return problems;
}

function targetClashes({ value, path }: Entry, claims: Claims): Problem[] {
  const scope = scopeOf(value);
  if (!scope) return []; // too broken to write anywhere: the schema says why
  const writer: Writer = { path, scope, names: secretNames(value) };
  return [...sameNameProblems(writer), ...clashProblems(writer, claims)];
}

function sameNameProblems({ path, names }: Writer): Problem[] {
  if (!sameSecretName(names[0], names[1])) return [];
  return [{ path, message: `"access-key-id" and "secret-access-key" are both "${names[0]}"` }];
}

/** One problem per earlier target this one clashes with, naming the secrets both write. */
function clashProblems(writer: Writer, claims: Claims): Problem[] {
  const clashes = [...claimSecrets(writer, claims)];
  return clashes.map(([earlier, clashing]) => {
    const verb = clashing.length > 1 ? 'are' : 'is';
    const message = `${describeScope(writer.scope)}: ${clashing.join(' and ')} ${verb} also written by ${earlier}; each secret can hold only one key`;
    return { path: writer.path, message };
  });
}

/** Claims the writer's unclaimed secrets; returns earlier writer's path -> names it also writes. */
function claimSecrets({ path, scope, names }: Writer, claims: Claims): Map<string, string[]> {
  const clashes = new Map<string, string[]>();
  for (const name of names) {
    const key = secretKey(scope, name);
    const earlier = claims.get(key);
    if (earlier === undefined) claims.set(key, path);
    // The same path: both names of this target are one secret, reported by sameNameProblems.
    else if (earlier !== path) {
      clashes.set(pathText(earlier), [...(clashes.get(pathText(earlier)) ?? []), name]);
    }
  }
  return clashes;
}
