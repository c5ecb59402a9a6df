/** Every action input is read and validated here, before any call that changes state. */
import { ConfigError, parseConfig } from './config/index.js';
import {
  DEFAULT_ACCESS_KEY_ID_NAME,
  DEFAULT_SECRET_ACCESS_KEY_NAME,
  environmentProblem,
  iamUserProblem,
  parseRepository,
  secretNameProblem,
} from './names.js';
import type { RotationPolicy, Settings, Target, UserSpec } from './types.js';

/** Reads one input by its action.yml name; '' when unset. */
export type InputReader = (name: string) => string;

export interface InputContext {
  /** GITHUB_REPOSITORY, the default for `repository`. */
  readonly workflowRepository: string | undefined;
  readonly readFile: (path: string) => string;
}

export class InputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid input, nothing was changed:\n- ${problems.join('\n- ')}`);
    this.name = 'InputError';
  }
}

/** Collects problems so the user sees all of them at once. */
class Problems {
  readonly list: string[] = [];
  add(input: string, problem: string | undefined): void {
    if (problem) this.list.push(`${input}: ${problem}`);
  }
}

const DEFAULTS: Record<string, string> = {
  'access-key-id-secret': DEFAULT_ACCESS_KEY_ID_NAME,
  'secret-access-key-secret': DEFAULT_SECRET_ACCESS_KEY_NAME,
  'max-age-days': '90',
  'retire-old-key': 'deactivate',
  'delete-inactive-after-days': '7',
  'two-active-keys': 'fail',
  'verify-new-key': 'true',
  'verify-timeout-seconds': '60',
  'dry-run': 'false',
  concurrency: '4',
};

export function readSettings(read: InputReader, context: InputContext): Settings {
  const input = (name: string): string => read(name).trim() || DEFAULTS[name] || '';
  const problems = new Problems();
  const dryRun = parseBoolean(input, 'dry-run', problems);
  const githubToken = read('github-token').trim() || undefined;
  if (!githubToken && !dryRun) {
    problems.add(
      'github-token',
      'is required (a token that may write secrets; GITHUB_TOKEN cannot)',
    );
  }
  const policy = readPolicy(input, problems);
  const concurrency = parseInteger(input, 'concurrency', problems, { min: 1, max: 64 });
  const users = readUsers(input, context, problems);
  if (problems.list.length > 0) throw new InputError(problems.list);
  return { githubToken, users, policy, dryRun, concurrency };
}

function readPolicy(input: InputReader, problems: Problems): RotationPolicy {
  return {
    maxAgeDays: parseInteger(input, 'max-age-days', problems, { min: 0, max: 36500 }),
    retireOldKey: parseChoice(input, 'retire-old-key', ['deactivate', 'delete'], problems),
    deleteInactiveAfterDays: parseInteger(input, 'delete-inactive-after-days', problems, {
      min: 0,
      max: 36500,
    }),
    twoActiveKeys: parseChoice(
      input,
      'two-active-keys',
      ['fail', 'delete-least-recently-used'],
      problems,
    ),
    verifyNewKey: parseBoolean(input, 'verify-new-key', problems),
    verifyTimeoutSeconds: parseInteger(input, 'verify-timeout-seconds', problems, {
      min: 1,
      max: 900,
    }),
  };
}

function readUsers(input: InputReader, context: InputContext, problems: Problems): UserSpec[] {
  const iamUser = input('iam-user');
  const configPath = input('config');
  if (Boolean(iamUser) === Boolean(configPath)) {
    problems.add(
      'iam-user',
      'set exactly one of "iam-user" (one user) or "config" (a file of users)',
    );
    return [];
  }
  return iamUser
    ? [quickModeUser(iamUser, input, context, problems)]
    : readConfig(configPath, context, problems);
}

function readConfig(path: string, context: InputContext, problems: Problems): UserSpec[] {
  let text: string;
  try {
    text = context.readFile(path);
  } catch (error) {
    problems.add(
      'config',
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return [];
  }
  try {
    return parseConfig(text, path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) problems.add('config', problem);
    return [];
  }
}

function quickModeUser(
  name: string,
  input: InputReader,
  context: InputContext,
  problems: Problems,
): UserSpec {
  problems.add('iam-user', iamUserProblem(name));
  const accessKeyIdName = input('access-key-id-secret');
  const secretAccessKeyName = input('secret-access-key-secret');
  problems.add('access-key-id-secret', secretNameProblem(accessKeyIdName));
  problems.add('secret-access-key-secret', secretNameProblem(secretAccessKeyName));
  if (accessKeyIdName.toUpperCase() === secretAccessKeyName.toUpperCase()) {
    problems.add('secret-access-key-secret', 'must differ from access-key-id-secret');
  }
  const repository = input('repository') || context.workflowRepository || '';
  const parsed = parseRepository(repository);
  if ('problem' in parsed) {
    problems.add('repository', repository ? parsed.problem : 'is required outside GitHub Actions');
    return { name, targets: [] };
  }
  const environment = input('environment');
  if (environment) problems.add('environment', environmentProblem(environment));
  const scope = environment
    ? { type: 'environment' as const, ...parsed, environment }
    : { type: 'repository' as const, ...parsed, kind: 'actions' as const };
  const target: Target = { scope, accessKeyIdName, secretAccessKeyName };
  return { name, targets: [target] };
}

function parseInteger(
  input: InputReader,
  name: string,
  problems: Problems,
  range: { min: number; max: number },
): number {
  const text = input(name);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
    problems.add(name, `"${text}" is not a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

function parseBoolean(input: InputReader, name: string, problems: Problems): boolean {
  const text = input(name).toLowerCase();
  if (text !== 'true' && text !== 'false')
    problems.add(name, `"${input(name)}" is not true or false`);
  return text === 'true';
}

function parseChoice<T extends string>(
  input: InputReader,
  name: string,
  choices: readonly [T, ...T[]],
  problems: Problems,
): T {
  const text = input(name);
  const choice = choices.find((c) => c === text);
  if (!choice) problems.add(name, `"${text}" is not one of: ${choices.join(', ')}`);
  return choice ?? choices[0];
}
