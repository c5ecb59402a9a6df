/** Turns GitHub API failures into messages that name the target and what to do. */
import { describeScope, type SecretScope } from '../model/secret-target.js';
import { requiredPermission } from './secret-paths.js';

export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

/** GitHub refused the request (4xx), so it stored nothing; other failures may have been stored. */
export function isRefusal(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

export const GITHUB_TOKEN_HINT =
  "The workflow's GITHUB_TOKEN cannot write secrets: use a fine-grained personal access token " +
  'or a GitHub App installation token (see the README).';

/** `doing` says what was attempted, e.g. "reading the public key". */
export function explainGitHubError(error: unknown, scope: SecretScope, doing: string): string {
  const where = describeScope(scope);
  const status = httpStatusOf(error);
  if (status === 401) {
    return `${where}: GitHub rejected the token while ${doing} (401). ${GITHUB_TOKEN_HINT}`;
  }
  if (status === 403) {
    return (
      `${where}: the token may not write secrets here (403 while ${doing}); ` +
      `it needs the ${requiredPermission(scope)}. ${GITHUB_TOKEN_HINT}`
    );
  }
  if (status === 404) {
    return `${where}: not found (404 while ${doing}); check the name and that the token can see it`;
  }
  const code = status === undefined ? '' : ` (${status})`;
  return `${where}: GitHub failed while ${doing}${code}: ${firstLine(error)}`;
}
