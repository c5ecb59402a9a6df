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
  return [
    ...users.flatMap(({ value, path }) => userNameProblems(value, path)),
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

/** Each IAM user once (names ignore case): two entries would rotate one key twice. */
function duplicateUsers(users: readonly Entry[]): Problem[] {
  const first = new Map<string, Path>();
  const problems: Problem[] = [];
  for (const { value, path } of users) {
    const name = value['name'];
    if (typeof name !== 'string') continue;
    const earlier = first.get(iamUserKey(name));
    if (earlier) {
      const message = `user "${name}" is already listed at ${pathText(earlier)}; list each user once, with all its targets`;
      problems.push({ path: [...path, 'name'], message });
    } else first.set(iamUserKey(name), path);
  }
  return problems;
}
