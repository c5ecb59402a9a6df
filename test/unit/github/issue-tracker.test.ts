import { describe, expect, it } from '@jest/globals';
import type { GitHubClient } from '../../../src/github/github-client.js';
import { ISSUE_BODY_LIMIT } from '../../../src/github/issue-body.js';
import { createIssueTracker } from '../../../src/github/issue-tracker.js';

type Params = Record<string, unknown>;

/** A github.request that records each call and answers from `answer` (an Error is thrown). */
function fakeGitHub(answer: (route: string, params: Params) => unknown = () => ({})) {
  const calls: { route: string; params: Params }[] = [];
  const github = {
    request: async (route: string, params: Params) => {
      calls.push({ route, params });
      const data = answer(route, params);
      if (data instanceof Error) throw data;
      return { status: 200, data };
    },
  } as unknown as GitHubClient;
  return { github, calls };
}

const httpError = (status: number, message: string) =>
  Object.assign(new Error(message), { status });
const issue = (number: number, extra: Params = {}) => ({
  number,
  title: `issue ${number}`,
  html_url: `https://github.com/octo/ops/issues/${number}`,
  labels: [{ name: 'key-rotation' }],
  ...extra,
});
const where = { owner: 'octo', repo: 'ops' };
const tracked = { number: 7, title: 'issue 7', url: 'https://github.com/octo/ops/issues/7' };

describe('issue tracker', () => {
  it('finds the oldest open issue with the label, skipping pull requests', async () => {
    const { github, calls } = fakeGitHub(() => [
      issue(3, { pull_request: { url: 'x' } }),
      issue(5),
      issue(9),
    ]);
    const found = await createIssueTracker(github, where).findOpen();
    expect(found).toEqual({
      number: 5,
      title: 'issue 5',
      url: 'https://github.com/octo/ops/issues/5',
    });
    expect(calls).toEqual([
      {
        route: 'GET /repos/{owner}/{repo}/issues',
        params: {
          owner: 'octo',
          repo: 'ops',
          labels: 'key-rotation',
          state: 'open',
          sort: 'created',
          direction: 'asc',
          per_page: 100,
        },
      },
    ]);
  });

  it('finds nothing when only pull requests carry the label', async () => {
    const { github } = fakeGitHub(() => [issue(3, { pull_request: {} })]);
    expect(await createIssueTracker(github, where).findOpen()).toBeUndefined();
  });

  it('opens an issue with the label it is found by', async () => {
    const { github, calls } = fakeGitHub(() => issue(12, { labels: ['rotation-alerts'] }));
    const opened = await createIssueTracker(github, { ...where, label: 'rotation-alerts' }).open(
      'Key rotation needs attention',
      'body',
    );
    expect(opened.number).toBe(12);
    expect(calls[0]).toEqual({
      route: 'POST /repos/{owner}/{repo}/issues',
      params: {
        owner: 'octo',
        repo: 'ops',
        title: 'Key rotation needs attention',
        body: 'body',
        labels: ['rotation-alerts'],
      },
    });
  });

  it('says so when GitHub silently dropped the label of the new issue', async () => {
    const { github } = fakeGitHub(() => issue(12, { labels: [] }));
    await expect(createIssueTracker(github, where).open('t', 'b')).rejects.toThrow(
      'octo/ops: opened issue #12 (https://github.com/octo/ops/issues/12), but GitHub dropped ' +
        'its label "key-rotation", so later runs will not find it',
    );
  });

  it('updates, comments and closes as completed', async () => {
    const { github, calls } = fakeGitHub();
    const tracker = createIssueTracker(github, where);
    await tracker.update(tracked, { body: 'new body' });
    await tracker.update(tracked, { title: 'new title', body: 'b' });
    await tracker.comment(tracked, 'still failing');
    await tracker.close(tracked, 'all good now');
    const base = { owner: 'octo', repo: 'ops', issue_number: 7 };
    expect(calls).toEqual([
      {
        route: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
        params: { ...base, body: 'new body' },
      },
      {
        route: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
        params: { ...base, title: 'new title', body: 'b' },
      },
      {
        route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        params: { ...base, body: 'still failing' },
      },
      {
        route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        params: { ...base, body: 'all good now' },
      },
      {
        route: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
        params: { ...base, state: 'closed', state_reason: 'completed' },
      },
    ]);
  });

  it('keeps bodies and comments within GitHub limit', async () => {
    const { github, calls } = fakeGitHub(() => issue(1));
    const tracker = createIssueTracker(github, where);
    const long = 'x'.repeat(ISSUE_BODY_LIMIT + 10);
    await tracker.open('t', long);
    await tracker.update(tracked, { body: long });
    await tracker.comment(tracked, long);
    for (const { params } of calls) {
      expect((params.body as string).length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
      expect(params.body).toMatch(/cut short/);
    }
  });

  it.each([
    [
      403,
      'Resource not accessible by personal access token',
      'octo/ops: GitHub answered 403 while opening an issue: the token needs the repository ' +
        'permission "Issues: Read and write" on octo/ops (fine-grained token or GitHub App: ' +
        'issues: write)',
    ],
    [
      404,
      'Not Found',
      'octo/ops: GitHub answered 404 while opening an issue: the token needs the repository ' +
        'permission "Issues: Read and write" on octo/ops (fine-grained token or GitHub App: ' +
        'issues: write), and the repository must exist',
    ],
    [
      410,
      'Issues are disabled for this repo',
      'octo/ops: GitHub answered 410 while opening an issue: issues are disabled in octo/ops',
    ],
    [
      403,
      'You have exceeded a secondary rate limit.',
      'octo/ops: GitHub answered 403 while opening an issue: You have exceeded a secondary rate limit.',
    ],
    [500, 'Server Error', 'octo/ops: GitHub failed while opening an issue (500): Server Error'],
  ])('explains %i (%s)', async (status, said, message) => {
    const { github } = fakeGitHub(() => httpError(status, said));
    await expect(createIssueTracker(github, where).open('t', 'b')).rejects.toThrow(message);
  });

  it('names the issue when a comment fails', async () => {
    const { github } = fakeGitHub(() => httpError(403, 'Forbidden'));
    await expect(createIssueTracker(github, where).close(tracked, 'done')).rejects.toThrow(
      /^octo\/ops: GitHub answered 403 while commenting on issue #7: the token needs/,
    );
  });
});
