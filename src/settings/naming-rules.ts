/** Naming rules of IAM and GitHub, shared by the inputs and the config file. */

// IAM: 1-64 characters of letters, digits and + = , . @ _ -
const IAM_USER = /^[\w+=,.@-]{1,64}$/;
// GitHub: letters, digits and underscores, not starting with a digit or GITHUB_.
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

export const DEFAULT_ACCESS_KEY_ID_NAME = 'AWS_ACCESS_KEY_ID';
export const DEFAULT_SECRET_ACCESS_KEY_NAME = 'AWS_SECRET_ACCESS_KEY';

/** Returns a problem description, or undefined when the name is valid. */
export function iamUserProblem(name: string): string | undefined {
  return IAM_USER.test(name)
    ? undefined
    : `"${name}" is not a valid IAM user name (1-64 letters, digits and +=,.@_-)`;
}

export function secretNameProblem(name: string): string | undefined {
  if (!SECRET_NAME.test(name)) {
    return `"${name}" is not a valid secret name (letters, digits and underscores; not starting with a digit)`;
  }
  if (/^GITHUB_/i.test(name))
    return `"${name}" is not a valid secret name (must not start with GITHUB_)`;
  return undefined;
}

export function ownerProblem(owner: string): string | undefined {
  return OWNER.test(owner) ? undefined : `"${owner}" is not a valid GitHub owner name`;
}

export function repoNameProblem(repo: string): string | undefined {
  return REPO.test(repo) && repo !== '.' && repo !== '..'
    ? undefined
    : `"${repo}" is not a valid repository name`;
}

/** Splits "owner/repo", or returns the problem. */
export function parseRepository(
  value: string,
): { owner: string; repo: string } | { problem: string } {
  const parts = value.split('/');
  const [owner, repo] = parts;
  if (parts.length !== 2 || !owner || !repo) {
    return { problem: `"${value}" is not of the form owner/repo` };
  }
  const problem = ownerProblem(owner) ?? repoNameProblem(repo);
  return problem ? { problem } : { owner, repo };
}

export function environmentProblem(name: string): string | undefined {
  // GitHub allows most characters but not these, and at most 255 of them.
  return name.length > 0 && name.length <= 255 && !/[,:;"'`\\/?*<>|\p{Cc}]/u.test(name)
    ? undefined
    : `"${name}" is not a valid environment name`;
}
