/** Every action input is read and validated here, before any call that changes state. */
import type { Target } from '../model/secret-target.js';
import { sameSecretName } from '../model/secret-target.js';
import type { RotationPolicy, Settings, UserSpec } from '../model/settings.js';
import { ConfigError, parseConfig, type ConfigFile } from './config-file/index.js';
import { GITHUB_WRITES_PER_HOUR, INPUT_DEFAULTS } from './input-defaults.js';
import { readNotify } from './notify-inputs.js';
import { inShard, parseShard } from './shard.js';
import {
  InputError,
  Problems,
  parseBoolean,
  parseChoice,
  parseInteger,
  type InputReader,
} from './input-parsing.js';
import {
  environmentProblem,
  iamUserProblem,
  parseRepository,
  secretNameProblem,
} from './naming-rules.js';

export { InputError, type InputReader };

export interface InputContext {
  /** GITHUB_REPOSITORY, the default for `repository`. */
  readonly workflowRepository: string | undefined;
  readonly readFile: (path: string) => string;
}

export function readSettings(read: InputReader, context: InputContext): Settings {
  const input = (name: string): string => read(name).trim() || INPUT_DEFAULTS[name] || '';
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
  const maxWritesPerRun = parseInteger(input, 'max-writes-per-run', problems, {
    min: 1,
    max: GITHUB_WRITES_PER_HOUR,
  });
  const shard = parseShard(input('shard'), problems);
  const audit = parseChoice(input, 'audit', ['off', 'report', 'fail'], problems);
  const notify = readNotify(input, problems, context.workflowRepository);
  const { users: allUsers, accounts } = readUsers(input, context, problems);
  if (problems.list.length > 0) throw new InputError(problems.list);
  const users = shard ? allUsers.filter((user) => inShard(user, shard)) : allUsers;
  return {
    githubToken,
    users,
    allUsers,
    accounts,
    policy,
    dryRun,
    concurrency,
    maxWritesPerRun,
    shard,
    audit,
    notify,
  };
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
    overlapHours: parseInteger(input, 'overlap-hours', problems, { min: 0, max: 8760 }),
  };
}

/** The users, from `iam-user` or the config file, and the config file's accounts. */
function readUsers(input: InputReader, context: InputContext, problems: Problems): ConfigFile {
  const iamUser = input('iam-user');
  const configPath = input('config');
  if (Boolean(iamUser) === Boolean(configPath)) {
    problems.add(
      'iam-user',
      'set exactly one of "iam-user" (one user) or "config" (a file of users)',
    );
    return NOTHING;
  }
  return iamUser
    ? { users: [quickModeUser(iamUser, input, context, problems)], accounts: [] }
    : readConfig(configPath, context, problems);
}

const NOTHING: ConfigFile = { users: [], accounts: [] };

function readConfig(path: string, context: InputContext, problems: Problems): ConfigFile {
  let text: string;
  try {
    text = context.readFile(path);
  } catch (error) {
    problems.add(
      'config',
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return NOTHING;
  }
  try {
    return parseConfig(text, path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) problems.add('config', problem);
    return NOTHING;
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
  if (sameSecretName(accessKeyIdName, secretAccessKeyName)) {
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
