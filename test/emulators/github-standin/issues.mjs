// Issues, labels and issue comments of the GitHub stand-in: the store behind them and the
// handlers of the five issue operations it serves. Responses are full "Issue", "Issue
// Comment" and "Label" objects, as GitHub's OpenAPI description requires.

import { paginate, pageOf } from './paging.mjs';
import { simpleUser } from './repository.mjs';

/** Who writes issues here: a GITHUB_TOKEN acts as the github-actions app's bot user. */
const AUTHOR = { login: 'github-actions[bot]', id: 41898282 };
/** GitHub's color for a label created by naming it on an issue. */
const NEW_LABEL_COLOR = 'ededed';

/**
 * @typedef {object} IssueComment
 * @property {number} id
 * @property {string} body
 * @property {string} createdAt
 * @property {string} updatedAt
 *
 * @typedef {object} Issue an issue as tests see it (`listIssues()`)
 * @property {string} owner
 * @property {string} repo
 * @property {number} number
 * @property {string} title
 * @property {string | null} body
 * @property {'open' | 'closed'} state
 * @property {'completed' | 'reopened' | 'not_planned' | 'duplicate' | null} stateReason
 * @property {string[]} labels label names
 * @property {string} createdAt ISO 8601, second precision
 * @property {string} updatedAt
 * @property {string | null} closedAt
 * @property {IssueComment[]} comments oldest first
 */

const ms = (iso) => new Date(iso).getTime();
const minusMinutes = (iso, minutes, format) => format(new Date(ms(iso) - minutes * 60_000));

/**
 * The issues of every repository. Repositories are the world's; `now()` is its clock
 * (ISO 8601 strings), `format` turns a Date into one.
 * @param {{ now: () => string, format: (date: Date) => string }} clock
 */
export function createIssueStore({ now, format }) {
  /** repository key (owner/repo, lower case) -> { issues, labels: Map<lower name, label> } */
  const repos = new Map();
  let nextIssueId = 1_000_001;
  let nextCommentId = 2_000_001;
  let nextLabelId = 3_000_001;

  const keyOf = (repository) => `${repository.owner}/${repository.repo}`.toLowerCase();
  function of(repository) {
    const key = keyOf(repository);
    if (!repos.has(key)) repos.set(key, { repository, issues: [], labels: new Map() });
    return repos.get(key);
  }

  /** The label named `name` (any case), created as GitHub does when it is missing. */
  function label(repository, name) {
    const { labels } = of(repository);
    const key = name.toLowerCase();
    if (!labels.has(key)) {
      labels.set(key, { id: nextLabelId++, name, color: NEW_LABEL_COLOR, description: null });
    }
    return labels.get(key);
  }

  function view(issue) {
    return {
      owner: issue.repository.owner,
      repo: issue.repository.repo,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      stateReason: issue.stateReason,
      labels: issue.labels.map((l) => l.name),
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      closedAt: issue.closedAt,
      comments: issue.comments.map((c) => ({ ...c })),
    };
  }

  return {
    label,
    /** Issues of a repository, newest first. */
    list: (repository) => [...of(repository).issues].reverse(),
    find: (repository, number) => of(repository).issues.find((i) => i.number === number),

    create(repository, { title, body, labels }) {
      const { issues } = of(repository);
      const stamp = now();
      const issue = {
        repository,
        id: nextIssueId++,
        number: issues.length + 1,
        title,
        body,
        state: 'open',
        stateReason: null,
        labels: labels.map((name) => label(repository, name)),
        createdAt: stamp,
        updatedAt: stamp,
        closedAt: null,
        comments: [],
      };
      issues.push(issue);
      return issue;
    },

    comment(issue, body) {
      const stamp = now();
      const comment = { id: nextCommentId++, body, createdAt: stamp, updatedAt: stamp };
      issue.comments.push(comment);
      issue.updatedAt = stamp;
      return comment;
    },

    /** Every issue of every repository, oldest first, with its comments. */
    views: () => [...repos.values()].flatMap((r) => r.issues.map(view)),

    /** Moves every timestamp back by `minutes`, as if that much time had passed. */
    backdate(minutes) {
      const back = (iso) => (iso === null ? null : minusMinutes(iso, minutes, format));
      for (const { issues } of repos.values()) {
        for (const issue of issues) {
          issue.createdAt = back(issue.createdAt);
          issue.updatedAt = back(issue.updatedAt);
          issue.closedAt = back(issue.closedAt);
          for (const comment of issue.comments) {
            comment.createdAt = back(comment.createdAt);
            comment.updatedAt = back(comment.updatedAt);
          }
        }
      }
    },
  };
}

/** Label names of a request body: strings or `{ name }` objects. */
function labelNames(labels) {
  return (labels ?? []).map((l) => (typeof l === 'string' ? l : l.name)).filter(Boolean);
}

/**
 * Handlers of the issue operations, keyed like handlers.mjs's (`METHOD route`).
 * @param {import('./world.mjs').World} world
 * @param {{ apiUrl: string, errorResponse: (status: number, message: string) => object }} context
 */
export function createIssueHandlers(world, { apiUrl, errorResponse }) {
  const store = world.issues;
  const notFound = () => errorResponse(404, 'Not Found');
  const author = simpleUser({ ...AUTHOR, isOrg: false, apiUrl });
  author.type = 'Bot';
  author.html_url = 'https://github.com/apps/github-actions';

  const repoUrl = (r) => `${apiUrl}/repos/${r.owner}/${r.repo}`;

  function labelObject(repository, l) {
    return {
      id: l.id,
      node_id: Buffer.from(`Label${l.id}`).toString('base64'),
      url: `${repoUrl(repository)}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      description: l.description,
      color: l.color,
      default: false,
    };
  }

  function issueObject(issue) {
    const r = issue.repository;
    const url = `${repoUrl(r)}/issues/${issue.number}`;
    return {
      id: issue.id,
      node_id: Buffer.from(`Issue${issue.id}`).toString('base64'),
      url,
      repository_url: repoUrl(r),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `https://github.com/${r.owner}/${r.repo}/issues/${issue.number}`,
      number: issue.number,
      state: issue.state,
      state_reason: issue.stateReason,
      title: issue.title,
      body: issue.body,
      user: author,
      labels: issue.labels.map((l) => labelObject(r, l)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: issue.comments.length,
      closed_at: issue.closedAt,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      author_association: 'NONE',
      timeline_url: `${url}/timeline`,
    };
  }

  function commentObject(issue, comment) {
    const r = issue.repository;
    return {
      id: comment.id,
      node_id: Buffer.from(`IssueComment${comment.id}`).toString('base64'),
      url: `${repoUrl(r)}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${r.owner}/${r.repo}/issues/${issue.number}#issuecomment-${comment.id}`,
      issue_url: `${repoUrl(r)}/issues/${issue.number}`,
      body: comment.body,
      user: author,
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: 'NONE',
    };
  }

  /** The repository and (with an issue_number) the issue a request names, or a 404. */
  function locate(ctx) {
    const repository = world.findRepo(ctx.params.owner, ctx.params.repo);
    if (!repository) return { error: notFound() };
    if (ctx.params.issue_number === undefined) return { repository };
    const issue = store.find(repository, Number(ctx.params.issue_number));
    return issue ? { repository, issue } : { error: notFound() };
  }

  function listIssues(ctx) {
    const { repository, error } = locate(ctx);
    if (error) return error;
    const state = ctx.query.state ?? 'open';
    const wanted = String(ctx.query.labels ?? '')
      .split(',')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    const matching = store
      .list(repository)
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => wanted.every((w) => i.labels.some((l) => l.name.toLowerCase() === w)));
    const { items, headers } = paginate(matching, pageOf(ctx.query), `${apiUrl}${ctx.path}`);
    return { status: 200, headers, body: items.map(issueObject) };
  }

  function createIssue(ctx) {
    const { repository, error } = locate(ctx);
    if (error) return error;
    const title = String(ctx.body.title);
    if (title.trim() === '') return errorResponse(422, 'Validation Failed: title is empty');
    const issue = store.create(repository, {
      title,
      body: ctx.body.body ?? null,
      labels: labelNames(ctx.body.labels),
    });
    return { status: 201, body: issueObject(issue) };
  }

  function updateIssue(ctx) {
    const { repository, issue, error } = locate(ctx);
    if (error) return error;
    const { title, body, state, state_reason: reason, labels } = ctx.body;
    if (title !== undefined && title !== null) issue.title = String(title);
    if (body !== undefined) issue.body = body;
    if (labels !== undefined)
      issue.labels = labelNames(labels).map((n) => store.label(repository, n));
    // state_reason is ignored unless the state changes.
    if (state !== undefined && state !== issue.state) {
      issue.state = state;
      if (state === 'closed') {
        issue.stateReason = reason === 'reopened' ? 'completed' : (reason ?? 'completed');
        issue.closedAt = world.now();
      } else {
        issue.stateReason = 'reopened';
        issue.closedAt = null;
      }
    }
    issue.updatedAt = world.now();
    return { status: 200, body: issueObject(issue) };
  }

  function createComment(ctx) {
    const { issue, error } = locate(ctx);
    if (error) return error;
    const comment = store.comment(issue, String(ctx.body.body));
    return { status: 201, body: commentObject(issue, comment) };
  }

  function listComments(ctx) {
    const { issue, error } = locate(ctx);
    if (error) return error;
    const since = ctx.query.since === undefined ? 0 : ms(ctx.query.since);
    const all = issue.comments.filter((c) => ms(c.updatedAt) >= since);
    const { items, headers } = paginate(all, pageOf(ctx.query), `${apiUrl}${ctx.path}`);
    return { status: 200, headers, body: items.map((c) => commentObject(issue, c)) };
  }

  return {
    'GET /repos/{owner}/{repo}/issues': listIssues,
    'POST /repos/{owner}/{repo}/issues': createIssue,
    'PATCH /repos/{owner}/{repo}/issues/{issue_number}': updateIssue,
    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': createComment,
    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': listComments,
  };
}

/** True for the routes of the issue operations (a `secrets-only` token may not use them). */
export const isIssueRoute = (route) => route.startsWith('/repos/{owner}/{repo}/issues');
