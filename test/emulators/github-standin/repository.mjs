// Repository and owner objects shaped like GitHub's "Minimal Repository", "Full Repository"
// and "Simple User" schemas: every required field present, with plausible values.

const CREATED_AT = '2020-01-01T00:00:00Z';

/** A "Simple User" for the owner (a user, or an organization when it is one). */
export function simpleUser({ login, id, isOrg, apiUrl }) {
  const url = `${apiUrl}/users/${login}`;
  return {
    login,
    id,
    node_id: Buffer.from(`${isOrg ? 'Organization' : 'User'}${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: isOrg ? 'Organization' : 'User',
    site_admin: false,
  };
}

/** The `*_url` fields every repository object carries. */
function repositoryUrls(url) {
  const templated = {
    archive_url: '{archive_format}{/ref}',
    assignees_url: 'assignees{/user}',
    blobs_url: 'git/blobs{/sha}',
    branches_url: 'branches{/branch}',
    collaborators_url: 'collaborators{/collaborator}',
    comments_url: 'comments{/number}',
    commits_url: 'commits{/sha}',
    compare_url: 'compare/{base}...{head}',
    contents_url: 'contents/{+path}',
    git_commits_url: 'git/commits{/sha}',
    git_refs_url: 'git/refs{/sha}',
    git_tags_url: 'git/tags{/sha}',
    issue_comment_url: 'issues/comments{/number}',
    issue_events_url: 'issues/events{/number}',
    issues_url: 'issues{/number}',
    keys_url: 'keys{/key_id}',
    labels_url: 'labels{/name}',
    milestones_url: 'milestones{/number}',
    notifications_url: 'notifications{?since,all,participating}',
    pulls_url: 'pulls{/number}',
    releases_url: 'releases{/id}',
    statuses_url: 'statuses/{sha}',
    trees_url: 'git/trees{/sha}',
  };
  const plain = [
    'contributors',
    'deployments',
    'downloads',
    'events',
    'forks',
    'hooks',
    'languages',
    'merges',
    'stargazers',
    'subscribers',
    'subscription',
    'tags',
    'teams',
  ];
  const urls = {};
  for (const [field, suffix] of Object.entries(templated)) {
    urls[field] = `${url}/${suffix}`;
  }
  for (const name of plain) urls[`${name}_url`] = `${url}/${name}`;
  return urls;
}

/** A "Minimal Repository" for `{ owner, repo, id }`. */
export function minimalRepository(repository, { apiUrl, owner }) {
  const fullName = `${repository.owner}/${repository.repo}`;
  const url = `${apiUrl}/repos/${fullName}`;
  return {
    id: repository.id,
    node_id: Buffer.from(`Repository${repository.id}`).toString('base64'),
    name: repository.repo,
    full_name: fullName,
    owner,
    private: true,
    html_url: `https://github.com/${fullName}`,
    description: null,
    fork: false,
    url,
    ...repositoryUrls(url),
  };
}

/** A "Full Repository", as `GET /repos/{owner}/{repo}` returns it. */
export function fullRepository(repository, context) {
  const fullName = `${repository.owner}/${repository.repo}`;
  return {
    ...minimalRepository(repository, context),
    clone_url: `https://github.com/${fullName}.git`,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    svn_url: `https://github.com/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    default_branch: 'main',
    visibility: 'private',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    network_count: 0,
    subscribers_count: 0,
    size: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: CREATED_AT,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
  };
}
