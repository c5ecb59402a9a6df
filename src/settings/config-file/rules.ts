/**
 * The checks a schema cannot express: names by the rules of naming-rules.ts, duplicate users, and
 * two targets writing the same secret. They run even on data the schema rejected, so one run
 * reports everything; they skip whatever has the wrong shape (see loose.ts).
 */
import { iamUserKey } from '../../model/access-key.js';
import {
  environmentProblem,
  iamUserProblem,
  ownerProblem,
  parseRepository,
  repoNameProblem,
  secretNameProblem,
} from '../naming-rules.js';
import { entries, isRecord, type Entry, type Loose } from './loose.js';
import { pathText, type Path, type Problem } from './problem.js';
import { duplicateSecrets } from './secret-clashes.js';

/** A naming-rules.ts check: the problem with a name, or undefined when it is fine. */
type NameCheck = (name: string) => string | undefined;

export function ruleProblems(data: unknown): Problem[] {
  const users = entries(isRecord(data) ? data['users'] : undefined, ['users']);
  const accounts = isRecord(data) && isRecord(data['accounts']) ? data['accounts'] : {};
  return [
    ...users.flatMap(({ value, path }) => userNameProblems(value, path)),
    ...users.flatMap((user) => unknownAccount(user, accounts)),
    ...duplicateUsers(users),
    ...users.flatMap(({ value, path }) =>
      entries(value['targets'], [...path, 'targets']).flatMap((t) => targetNameProblems(t)),
    ),
    ...duplicateSecrets(users),
  ];
}

function userNameProblems(user: Loose, path: Path): Problem[] {
  return checkName(user['name'], [...path, 'name'], iamUserProblem);
}

/** Only strings are checked: a value of another type is the schema's to report. */
function checkName(value: unknown, path: Path, check: NameCheck) {
  const message = typeof value === 'string' ? check(value) : undefined;
  return message ? [{ path, message }] : [];
}

function repositoryProblem(value: string): string | undefined {
  const parsed = parseRepository(value);
  return 'problem' in parsed ? parsed.problem : undefined;
}

const TARGET_NAME_CHECKS: Readonly<Record<string, NameCheck>> = {
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

/** A user's `account` must be one of the file's accounts. */
function unknownAccount({ value, path }: Entry, accounts: Loose): Problem[] {
  const account = value['account'];
  if (typeof account !== 'string' || Object.hasOwn(accounts, account)) return [];
  const known = Object.keys(accounts);
  const list =
    known.length > 0
      ? `: known accounts are ${known.join(', ')}`
      : '; there is no `accounts` section';
  return [
    { path: [...path, 'account'], message: `no account "${account}" in \`accounts\`${list}` },
  ];
}

/**
 * Each IAM user once per account (names ignore case): two entries would rotate one key twice.
 * The same name in two accounts is two users.
 */
function duplicateUsers(users: readonly Entry[]): Problem[] {
  const first = new Map<string, Path>();
  const problems: Problem[] = [];
  for (const { value, path } of users) {
    const name = value['name'];
    if (typeof name !== 'string') continue;
    const account = typeof value['account'] === 'string' ? value['account'] : '';
    const key = `${account}\n${iamUserKey(name)}`;
    const earlier = first.get(key);
    if (earlier) {
      const where = account ? ` in account "${account}"` : '';
      const message = `user "${name}"${where} is already listed at ${pathText(earlier)}; list each user once, with all its targets`;
      problems.push({ path: [...path, 'name'], message });
    } else first.set(key, path);
  }
  return problems;
}
