/**
 * The multi-user config file: YAML text -> validated users and their targets.
 *
 * The JSON Schema (schema/config.schema.json) checks the shape, so editors and the action agree
 * on it; code checks what a schema cannot: names by the rules of src/names.ts, duplicate users,
 * and two targets writing the same secret. Every problem is collected and reported at once, one
 * line each, with the file name and line number, so one run shows everything to fix.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import schema from '../schema/config.schema.json' with { type: 'json' };
import {
  DEFAULT_ACCESS_KEY_ID_NAME,
  DEFAULT_SECRET_ACCESS_KEY_NAME,
  environmentProblem,
  iamUserProblem,
  ownerProblem,
  parseRepository,
  repoNameProblem,
  secretNameProblem,
} from './names.js';
import { describeScope, scopeKey } from './targets.js';
import type {
  OrgAccess,
  OrgVisibility,
  SecretKind,
  SecretScope,
  Target,
  UserSpec,
} from './types.js';

/** The config file is invalid; `problems` holds one actionable line per problem. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`config file ${source} has ${count}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Where a problem is: keys and indexes from the document root, e.g. ['users', 0, 'name']. */
type Path = readonly (string | number)[];

interface Problem {
  readonly path: Path;
  readonly message: string;
  /** A key of the mapping at `path` to point at (e.g. an unknown key) instead of the mapping. */
  readonly key?: string;
}

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

type Loose = Readonly<Record<string, unknown>>;

/** Parses and validates a config file; throws ConfigError listing every problem in it. */
export function parseConfig(text: string, source: string): UserSpec[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((error) => syntaxProblem(error, source)),
    );
  }
  const data = documentData(doc, source);
  const problems = [...schemaProblems(data), ...ruleProblems(data)];
  if (problems.length > 0) {
    throw new ConfigError(source, formatProblems(problems, doc, lineCounter, source));
  }
  return (data as { users: RawUser[] }).users.map(toUserSpec);
}

/** "config.yml:3:5: message": the pretty suffix yaml adds repeats the position over lines. */
function syntaxProblem(error: YAMLError, source: string): string {
  const message = error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
  const pos = error.linePos?.[0];
  return pos ? `${source}:${pos.line}:${pos.col}: ${message}` : `${source}: ${message}`;
}

function documentData(doc: Document, source: string): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    // e.g. alias expansion past yaml's limit ("billion laughs"): not a shape problem.
    throw new ConfigError(source, [`${source}: ${(error as Error).message}`]);
  }
}

// ---------------------------------------------------------------------------------------------
// Schema problems: ajv's errors, turned into one readable line per real problem.

let validator: ValidateFunction | undefined;

function validate(data: unknown): readonly ErrorObject[] {
  // The schema's message keywords are editor hints (VS Code, yaml-language-server); ajv only
  // needs to know them so strict mode accepts them. verbose: errors carry schema and data.
  validator ??= new Ajv({
    allErrors: true,
    verbose: true,
    keywords: ['errorMessage', 'patternErrorMessage'],
  }).compile(schema);
  return validator(data) ? [] : (validator.errors ?? []);
}

function schemaProblems(data: unknown): Problem[] {
  const errors = validate(data);
  return errors.filter((error) => !isNoise(error, errors)).map((error) => schemaProblem(error));
}

/** Fields whose names src/names.ts checks; the schema's patterns for them only help editors. */
const NAME_FIELDS = new Set([
  'name',
  'repository',
  'environment',
  'organization',
  'repositories',
  'access-key-id',
  'secret-access-key',
]);
const NAME_KEYWORDS = new Set(['pattern', 'minLength', 'maxLength']);

/** Errors that add nothing a person can act on next to another error. */
function isNoise(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  const path = pointerToPath(error.instancePath);
  const field = [...path].reverse().find((part) => typeof part === 'string');
  if (NAME_KEYWORDS.has(error.keyword) && field !== undefined && NAME_FIELDS.has(field)) {
    return true; // ruleProblems reports these with names.ts's wording
  }
  // "if" only says "must match then"; the "then" errors say why.
  if (error.keyword === 'if') return true;
  // oneOf's branches fail by design; the oneOf error itself is summarised.
  if (/\/oneOf\/\d+\//.test(error.schemaPath)) return true;
  return isDominated(error, all);
}

/** A wrong type (or an unknown enum value) makes every other error at that spot noise. */
function isDominated(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  const here = all.filter((other) => other.instancePath === error.instancePath);
  for (const keyword of ['type', 'enum']) {
    if (here.some((other) => other.keyword === keyword)) return error.keyword !== keyword;
  }
  return false;
}

function schemaProblem(error: ErrorObject): Problem {
  const path = pointerToPath(error.instancePath);
  const custom = (error.parentSchema as Loose | undefined)?.['errorMessage'];
  if (typeof custom === 'string') return { path, message: custom.replace(/`/g, '"') };
  const params = error.params as Loose;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      return { path, key, message: unknownKey(key, error.parentSchema as Loose) };
    }
    case 'required':
      return { path, message: `missing required key "${String(params['missingProperty'])}"` };
    case 'dependencies': {
      const key = String(params['property']);
      const needed = String(params['missingProperty']);
      return { path, key, message: `"${key}" is only allowed together with "${needed}"` };
    }
    default:
      return { path, message: valueMessage(error, path) };
  }
}

/** Messages about a value itself (as opposed to the keys of a mapping). */
function valueMessage(error: ErrorObject, path: Path): string {
  const params = error.params as Loose;
  switch (error.keyword) {
    case 'type':
      return typeMessage(String(params['type']), error.data, path.length === 0);
    case 'enum':
      return `must be one of ${(error.schema as unknown[]).join(', ')}, not ${show(error.data)}`;
    case 'const':
      return `must be ${show(error.schema)}`;
    case 'minItems':
      return `must list at least one ${ITEM_NOUN[String(path.at(-1))] ?? 'item'}`;
    case 'uniqueItems':
      return `lists ${show((error.data as unknown[])[Number(params['i'])])} twice`;
    case 'oneOf':
      return oneOfMessage(error);
    default:
      return error.message ?? 'is invalid';
  }
}

const ITEM_NOUN: Readonly<Record<string, string>> = { users: 'user', targets: 'target' };

const TYPE_NOUN: Readonly<Record<string, string>> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

function typeMessage(expected: string, data: unknown, isRoot: boolean): string {
  const actual = data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data;
  const got = data === null ? 'but is empty' : `not ${TYPE_NOUN[actual] ?? actual}`;
  if (isRoot) return `the file must be a mapping with a "users" list, ${got}`;
  // YAML reads 2024, 1.10 or true as numbers and booleans; quoting keeps them strings.
  const hint =
    expected === 'string' && data !== null && typeof data !== 'object' ? ' (quote it)' : '';
  return `must be ${TYPE_NOUN[expected] ?? expected}, ${got}${hint}`;
}

/** "none of the branches" and "several branches" need different advice. */
function oneOfMessage(error: ErrorObject): string {
  const keys = (error.schema as Loose[]).map(
    (branch) => `"${String((branch['required'] as string[])[0])}"`,
  );
  const passing = (error.params as Loose)['passingSchemas'];
  if (passing === null) return `needs one of ${keys.join(' or ')}`;
  return `has both ${keys.join(' and ')}: give each its own target`;
}

function unknownKey(key: string, parentSchema: Loose): string {
  const known = Object.keys((parentSchema['properties'] as Loose | undefined) ?? {});
  const guess = closest(key, known);
  return guess ? `unknown key "${key}" (did you mean "${guess}"?)` : `unknown key "${key}"`;
}

/** The known key a typo most likely meant: same letters, or a couple of edits away. */
function closest(key: string, known: readonly string[]): string | undefined {
  const bare = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  const same = known.find((candidate) => bare(candidate) === bare(key));
  if (same) return same;
  const scored = known.map((candidate) => ({ candidate, distance: editDistance(key, candidate) }));
  const best = scored.sort((a, b) => a.distance - b.distance)[0];
  // Short keys are a couple of edits from anything: "id" is not a typo of "kind".
  const limit = key.length > 4 ? 2 : 1;
  return best && best.distance <= limit ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** "/users/0/targets/1" -> ['users', 0, 'targets', 1] (RFC 6901 escapes undone). */
function pointerToPath(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

// ---------------------------------------------------------------------------------------------
// Rule problems: what the schema cannot say. Written defensively: they run on data the schema
// may have rejected, so one run reports everything, and skip whatever has the wrong shape.

function ruleProblems(data: unknown): Problem[] {
  const users = entries(isRecord(data) ? data['users'] : undefined, ['users']);
  return [
    ...users.flatMap(({ value, path }) => userNameProblems(value, path)),
    ...duplicateUsers(users),
    ...users.flatMap(({ value, path }) =>
      entries(value['targets'], [...path, 'targets']).flatMap((t) => targetNameProblems(t)),
    ),
    ...duplicateSecrets(users),
  ];
}

interface Entry {
  readonly value: Loose;
  readonly path: Path;
}

/** The mappings in a list, with their paths; anything else is the schema's to report. */
function entries(list: unknown, path: Path): Entry[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((value: unknown, index) =>
    isRecord(value) ? [{ value, path: [...path, index] }] : [],
  );
}

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function userNameProblems(user: Loose, path: Path): Problem[] {
  return checkName(user['name'], [...path, 'name'], iamUserProblem);
}

function checkName(value: unknown, path: Path, check: (name: string) => string | undefined) {
  const message = typeof value === 'string' ? check(value) : undefined;
  return message ? [{ path, message }] : [];
}

function repositoryProblem(value: string): string | undefined {
  const parsed = parseRepository(value);
  return 'problem' in parsed ? parsed.problem : undefined;
}

const TARGET_NAME_CHECKS: Readonly<Record<string, (name: string) => string | undefined>> = {
  repository: repositoryProblem,
  environment: environmentProblem,
  organization: ownerProblem,
  'access-key-id': secretNameProblem,
  'secret-access-key': secretNameProblem,
};

function targetNameProblems({ value, path }: Entry): Problem[] {
  const fields = Object.entries(TARGET_NAME_CHECKS).flatMap(([key, check]) =>
    checkName(value[key], [...path, key], check),
  );
  const repos = value['repositories'];
  const listed = Array.isArray(repos)
    ? repos.flatMap((repo: unknown, i) =>
        checkName(repo, [...path, 'repositories', i], repoNameProblem),
      )
    : [];
  return [...fields, ...listed];
}

/** IAM user names are unique regardless of case, so "CI" and "ci" are the same user. */
function duplicateUsers(users: readonly Entry[]): Problem[] {
  const first = new Map<string, Path>();
  const problems: Problem[] = [];
  for (const { value, path } of users) {
    const name = value['name'];
    if (typeof name !== 'string') continue;
    const earlier = first.get(name.toLowerCase());
    if (earlier) {
      const message = `user "${name}" is already listed at ${pathText(earlier)}; list each user once, with all its targets`;
      problems.push({ path: [...path, 'name'], message });
    } else first.set(name.toLowerCase(), path);
  }
  return problems;
}

/** One secret holds one key: a second writer would overwrite the first writer's key. */
function duplicateSecrets(users: readonly Entry[]): Problem[] {
  const writers = new Map<string, Path>();
  const problems: Problem[] = [];
  for (const user of users) {
    for (const target of entries(user.value['targets'], [...user.path, 'targets'])) {
      problems.push(...targetClashes(target, writers));
    }
  }
  return problems;
}

function targetClashes({ value, path }: Entry, writers: Map<string, Path>): Problem[] {
  const scope = scopeOf(value);
  if (!scope) return [];
  const names = secretNames(value);
  const problems: Problem[] = [];
  if (names[0].toUpperCase() === names[1].toUpperCase()) {
    problems.push({
      path,
      message: `"access-key-id" and "secret-access-key" are both "${names[0]}"`,
    });
  }
  const clashes = new Map<string, string[]>(); // earlier writer's path -> names it also writes
  for (const name of names) {
    // GitHub secret names ignore case, as scopeKey does for owners, repositories and environments.
    const key = `${scopeKey(scope)}\n${name.toUpperCase()}`;
    const earlier = writers.get(key);
    if (earlier === undefined) writers.set(key, path);
    else if (earlier !== path) {
      clashes.set(pathText(earlier), [...(clashes.get(pathText(earlier)) ?? []), name]);
    }
  }
  for (const [earlier, clashing] of clashes) {
    const verb = clashing.length > 1 ? 'are' : 'is';
    const message = `${describeScope(scope)}: ${clashing.join(' and ')} ${verb} also written by ${earlier}; each secret can hold only one key`;
    problems.push({ path, message });
  }
  return problems;
}

function secretNames(target: Loose): [string, string] {
  const id = target['access-key-id'];
  const secret = target['secret-access-key'];
  return [
    typeof id === 'string' ? id : DEFAULT_ACCESS_KEY_ID_NAME,
    typeof secret === 'string' ? secret : DEFAULT_SECRET_ACCESS_KEY_NAME,
  ];
}

/** The target's scope, or undefined when the target is too broken to have one. */
function scopeOf(target: Loose): SecretScope | undefined {
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

// ---------------------------------------------------------------------------------------------
// Output: problems as lines, and a valid file as UserSpec[].

function formatProblems(
  problems: readonly Problem[],
  doc: Document,
  lineCounter: LineCounter,
  source: string,
): string[] {
  const located = problems.map((problem) => ({ problem, line: lineOf(problem, doc, lineCounter) }));
  // Stable sort: in file order, problems on one line in the order they were found.
  located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return located.map(({ problem, line }) => {
    const where = line === undefined ? source : `${source}:${line}`;
    const path = pathText(problem.path);
    return path ? `${where}: ${path}: ${problem.message}` : `${where}: ${problem.message}`;
  });
}

/** The line of the node at the path, or of its nearest ancestor the document has. */
function lineOf(problem: Problem, doc: Document, lineCounter: LineCounter): number | undefined {
  for (let depth = problem.path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(problem.path.slice(0, depth), true);
    const keyNode = depth === problem.path.length ? keyNodeOf(node, problem.key) : undefined;
    const offset = (keyNode ?? (node as { range?: [number] } | undefined))?.range?.[0];
    if (offset !== undefined) return lineCounter.linePos(offset).line;
  }
  return undefined;
}

function keyNodeOf(node: unknown, key: string | undefined): { range?: [number] } | undefined {
  if (key === undefined || !isMap(node)) return undefined;
  const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return isScalar(pair?.key) ? (pair.key as { range?: [number] }) : undefined;
}

/** ['users', 0, 'targets', 2] -> "users[0].targets[2]" */
function pathText(path: Path): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
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
