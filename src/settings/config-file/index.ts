/**
 * The multi-user config file: YAML text -> validated users and their targets.
 *
 * The JSON Schema (schema/config.schema.json) checks the shape, so editors and the action agree
 * on it; code checks what a schema cannot: names by the rules of naming-rules.ts, duplicate users,
 * and two targets writing the same secret. Every problem is collected and reported at once, one
 * line each, with the file name and line number, so one run shows everything to fix.
 *
 * document.ts parses the YAML, schema-problems.ts and rules.ts find the problems, lines.ts
 * writes them as lines, and users.ts maps a valid file to UserSpec[].
 */
import type { AccountSpec, UserSpec } from '../../model/settings.js';
import { ConfigError } from './config-error.js';
import { parseFile } from './document.js';
import { formatProblems } from './lines.js';
import { ruleProblems } from './rules.js';
import { schemaProblems } from './schema-problems.js';
import { toAccountSpecs, toUserSpecs } from './users.js';

export { ConfigError };

export interface ConfigFile {
  readonly users: UserSpec[];
  readonly accounts: AccountSpec[];
}

/** Parses and validates a config file; throws ConfigError listing every problem in it. */
export function parseConfig(text: string, source: string): ConfigFile {
  const { doc, lineCounter, data } = parseFile(text, source);
  const problems = [...schemaProblems(data), ...ruleProblems(data)];
  if (problems.length > 0) {
    throw new ConfigError(source, formatProblems(problems, doc, lineCounter, source));
  }
  return { users: toUserSpecs(data), accounts: toAccountSpecs(data) };
}
