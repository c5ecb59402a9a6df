/**
 * Wording for schema errors: ajv's own messages speak of JSON types and keywords; these speak
 * of YAML as the person wrote it, and say what to do.
 */
import type { ErrorObject } from 'ajv';
import { closest } from './did-you-mean.js';
import type { Loose } from './loose.js';
import type { Path } from './problem.js';

/** Messages about a value itself (as opposed to the keys of a mapping). */
export function valueMessage(error: ErrorObject, path: Path): string {
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

/** An unknown key, with the known key it most likely meant. */
export function unknownKey(key: string, parentSchema: Loose): string {
  const known = Object.keys((parentSchema['properties'] as Loose | undefined) ?? {});
  const guess = closest(key, known);
  return guess ? `unknown key "${key}" (did you mean "${guess}"?)` : `unknown key "${key}"`;
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

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
