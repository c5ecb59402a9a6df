/**
 * One open GitHub issue per repository and label that tracks runs needing attention, over the
 * REST issues endpoints; failures say which permission or setting to fix.
 */
import type { IssueTracker, TrackedIssue } from '../model/notifications.js';
import type { GitHubClient } from './github-client.js';
import { httpStatusOf } from './github-errors.js';
import { boundIssueBody } from './issue-body.js';

export const DEFAULT_ISSUE_LABEL = 'key-rotation';

export interface IssueTrackerOptions {
  readonly owner: string;
  readonly repo: string;
  /** Finds the issue again on later runs (default key-rotation). */
  readonly label?: string;
}

interface IssueData {
  readonly number: number;
  readonly title: string;
  readonly html_url: string;
  readonly labels?: readonly (string | { readonly name?: string })[];
}

interface Context {
  readonly github: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly label: string;
  /** owner/repo, as messages name it. */
  readonly where: string;
}

export function createIssueTracker(
  github: GitHubClient,
  options: IssueTrackerOptions,
): IssueTracker {
  const { owner, repo } = options;
  const at: Context = {
    github,
    owner,
    repo,
    label: options.label ?? DEFAULT_ISSUE_LABEL,
    where: `${owner}/${repo}`,
  };
  const patch = (issue: TrackedIssue, doing: string, fields: Record<string, string>) =>
    explained(at.where, doing, () =>
      github.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        owner,
        repo,
        issue_number: issue.number,
        ...fields,
      }),
    );
  const comment = async (issue: TrackedIssue, body: string): Promise<void> => {
    await explained(at.where, `commenting on issue #${issue.number}`, () =>
      github.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner,
        repo,
        issue_number: issue.number,
        body: boundIssueBody(body),
      }),
    );
  };

  return {
    findOpen: () => findOldestOpen(at),
    open: (title, body) => openIssue(at, title, body),
    async update(issue, change) {
      const fields: Record<string, string> = { body: boundIssueBody(change.body) };
      if (change.title !== undefined) fields.title = change.title;
      await patch(issue, `updating issue #${issue.number}`, fields);
    },
    comment,
    async close(issue, closing) {
      await comment(issue, closing);
      await patch(issue, `closing issue #${issue.number}`, {
        state: 'closed',
        state_reason: 'completed',
      });
    },
  };
}

/** Oldest first; the endpoint also lists pull requests, which are skipped. */
function findOldestOpen({ github, owner, repo, label, where }: Context) {
  return explained(where, `looking for the open issue labelled "${label}"`, async () => {
    const { data } = await github.request('GET /repos/{owner}/{repo}/issues', {
      owner,
      repo,
      labels: label,
      state: 'open',
      sort: 'created',
      direction: 'asc',
      per_page: 100,
    });
    const issue = data.find((item) => !item.pull_request);
    return issue ? tracked(issue) : undefined;
  });
}

async function openIssue(at: Context, title: string, body: string): Promise<TrackedIssue> {
  const { github, owner, repo, label, where } = at;
  const { data } = await explained(where, 'opening an issue', () =>
    github.request('POST /repos/{owner}/{repo}/issues', {
      owner,
      repo,
      title,
      body: boundIssueBody(body),
      labels: [label],
    }),
  );
  if (!hasLabel(data, label)) throw labelDropped(tracked(data), where, label);
  return tracked(data);
}

function tracked(issue: IssueData): TrackedIssue {
  return { number: issue.number, title: issue.title, url: issue.html_url };
}

function hasLabel(issue: IssueData, label: string): boolean {
  const names = (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : l.name));
  return names.some((name) => name?.toLowerCase() === label.toLowerCase());
}

/** GitHub drops the labels of a new issue, silently, when the token's user cannot push. */
function labelDropped(issue: TrackedIssue, where: string, label: string): Error {
  return new Error(
    `${where}: opened issue #${issue.number} (${issue.url}), but GitHub dropped its label ` +
      `"${label}", so later runs will not find it: the token's user needs write access to ` +
      `${where} to label issues (fine-grained token or GitHub App: issues: write)`,
  );
}

async function explained<T>(where: string, doing: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw new Error(explainIssueError(error, where, doing));
  }
}

const PERMISSION =
  'the token needs the repository permission "Issues: Read and write" on {where} ' +
  '(fine-grained token or GitHub App: issues: write)';

function explainIssueError(error: unknown, where: string, doing: string): string {
  const status = httpStatusOf(error);
  const said = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const context = `${where}: GitHub answered ${status} while ${doing}`;
  if (status === 410) return `${context}: issues are disabled in ${where}`;
  if (status === 401) return `${context}: GitHub rejected the token`;
  if (status === 403 && /rate limit/i.test(said)) return `${context}: ${said}`;
  if (status === 403) return `${context}: ${PERMISSION.replace('{where}', where)}`;
  if (status === 404) {
    return `${context}: ${PERMISSION.replace('{where}', where)}, and the repository must exist`;
  }
  const code = status === undefined ? '' : ` (${status})`;
  return `${where}: GitHub failed while ${doing}${code}: ${said}`;
}
