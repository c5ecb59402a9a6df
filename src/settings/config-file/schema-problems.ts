/**
 * The JSON Schema's verdict as problems: ajv's errors, with the noise dropped, turned into one
 * readable problem per real problem. The wording itself is in schema-messages.ts.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../../schema/config.schema.json' with { type: 'json' };
import type { Loose } from './loose.js';
import type { Path, Problem } from './problem.js';
import { unknownKey, valueMessage } from './schema-messages.js';

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

export function schemaProblems(data: unknown): Problem[] {
  const errors = validate(data);
  return errors.filter((error) => !isNoise(error, errors)).map((error) => schemaProblem(error));
}

/** Fields whose names naming-rules.ts checks; the schema's patterns for them only help editors. */
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
    return true; // ruleProblems reports these with naming-rules.ts's wording
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

/** Errors about a mapping's keys point at the key; the rest at the value. */
function schemaProblem(error: ErrorObject): Problem {
  const path = pointerToPath(error.instancePath);
  const parent = error.parentSchema as Loose | undefined;
  const custom =
    parent?.['errorMessage'] ??
    (error.keyword === 'pattern' ? parent?.['patternErrorMessage'] : undefined);
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

/** "/users/0/targets/1" -> ['users', 0, 'targets', 1] (RFC 6901 escapes undone). */
function pointerToPath(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}
