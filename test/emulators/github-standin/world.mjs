// The data behind the GitHub stand-in: repositories, organizations, secret scopes (each with
// its own libsodium key pair) and the secrets stored in them, as plaintext, and issues.

import { randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import { createIssueStore } from './issues.mjs';

export const KINDS = ['actions', 'dependabot', 'codespaces'];

/** ISO 8601 with second precision, as GitHub writes timestamps: 2026-01-02T03:04:05Z. */
export function isoSeconds(date) {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** GitHub's secret naming rules; returns the problem or undefined. */
export function secretNameProblem(name) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return (
      'Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or ' +
      'underscores (_), and must not start with a number.'
    );
  }
  if (/^GITHUB_/i.test(name)) return 'Secret names must not start with GITHUB_.';
  return undefined;
}

/** GitHub's key ids are long decimal strings. */
function newKeyId() {
  return randomBytes(8).readBigUInt64BE().toString();
}

function scopeId({ org, owner, repo, environment, kind }) {
  if (org !== undefined) return `org:${org}:${kind}`.toLowerCase();
  if (environment !== undefined) return `env:${owner}/${repo}:${environment}`.toLowerCase();
  return `repo:${owner}/${repo}:${kind}`.toLowerCase();
}

/** The canonical reference of a secret in a scope, as tests see it. */
function refOf(scope, name) {
  if (scope.org !== undefined) return { org: scope.org, kind: scope.kind, name };
  if (scope.environment !== undefined) {
    return { owner: scope.owner, repo: scope.repo, environment: scope.environment, name };
  }
  return { owner: scope.owner, repo: scope.repo, kind: scope.kind, name };
}

/** Copies a stored secret for tests, so they cannot change the store by accident. */
function secretView(secret) {
  const view = { value: secret.value, createdAt: secret.createdAt, updatedAt: secret.updatedAt };
  if (secret.visibility !== undefined) view.visibility = secret.visibility;
  if (secret.selectedRepositoryIds !== undefined) {
    view.selectedRepositoryIds = [...secret.selectedRepositoryIds];
  }
  return view;
}

/** @typedef {Awaited<ReturnType<typeof createWorld>>} World */

/**
 * @param {{ repositories?: { owner: string, repo: string, id: number, environments?: string[] }[],
 *   organizations?: string[], now?: () => Date }} options
 */
export async function createWorld({ repositories = [], organizations = [], now }) {
  await sodium.ready;
  const clock = now ?? (() => new Date());
  const repos = repositories.map((r) => ({ ...r, environments: [...(r.environments ?? [])] }));
  const orgs = [...organizations];
  const scopes = new Map();
  const ownerIds = new Map();
  const issues = createIssueStore({ now: () => isoSeconds(clock()), format: isoSeconds });

  const findRepo = (owner, repo) =>
    repos.find(
      (r) =>
        r.owner.toLowerCase() === owner.toLowerCase() &&
        r.repo.toLowerCase() === repo.toLowerCase(),
    );
  const findOrg = (org) => orgs.find((o) => o.toLowerCase() === org.toLowerCase());

  /** The canonical location, or undefined when the repo/org/environment does not exist. */
  function locate({ org, owner, repo, environment, kind = 'actions' }) {
    if (!KINDS.includes(kind)) return undefined;
    if (org !== undefined) {
      const login = findOrg(org);
      return login === undefined ? undefined : { org: login, kind };
    }
    const found = owner !== undefined && repo !== undefined ? findRepo(owner, repo) : undefined;
    if (!found) return undefined;
    if (environment === undefined) return { owner: found.owner, repo: found.repo, kind };
    const env = found.environments.find((e) => e.toLowerCase() === environment.toLowerCase());
    return env === undefined
      ? undefined
      : { owner: found.owner, repo: found.repo, environment: env, kind: 'actions' };
  }

  /** The scope at a location (created with a fresh key pair on first use), or undefined. */
  function scope(where) {
    const location = locate(where);
    if (!location) return undefined;
    const id = scopeId(location);
    if (!scopes.has(id)) {
      const keyPair = sodium.crypto_box_keypair();
      scopes.set(id, { ...location, id, keyPair, keyId: newKeyId(), secrets: new Map() });
    }
    return scopes.get(id);
  }

  /** Like scope(), for the test-facing API: an unknown location is a mistake in the test. */
  function scopeForRef(ref) {
    const found = scope(ref);
    if (!found) throw new Error(`GitHub stand-in: no such scope ${JSON.stringify(ref)}`);
    return found;
  }

  return {
    sodium,
    issues,
    now: () => isoSeconds(clock()),
    findRepo,
    findOrg,
    scope,
    repositoryById: (id) => repos.find((r) => r.id === id),
    /** Repositories owned by the organization: the ones its secrets may be shared with. */
    orgRepositories: (org) => repos.filter((r) => r.owner.toLowerCase() === org.toLowerCase()),
    /** A stable numeric id for an owner login (user or organization). */
    ownerId(login) {
      const key = login.toLowerCase();
      if (!ownerIds.has(key)) ownerIds.set(key, 9000 + ownerIds.size);
      return ownerIds.get(key);
    },

    getSecret(ref) {
      const secret = scopeForRef(ref).secrets.get(ref.name.toUpperCase());
      return secret ? secretView(secret) : undefined;
    },

    seedSecret(ref, { value, createdAt, updatedAt, visibility, selectedRepositoryIds }) {
      const target = scopeForRef(ref);
      const problem = secretNameProblem(ref.name);
      if (problem) throw new Error(`GitHub stand-in: ${problem}`);
      const updated = isoSeconds(updatedAt ?? clock());
      const secret = { name: ref.name.toUpperCase(), value: String(value), updatedAt: updated };
      secret.createdAt = createdAt === undefined ? updated : isoSeconds(createdAt);
      if (target.org !== undefined) {
        secret.visibility = visibility ?? 'private';
        secret.selectedRepositoryIds =
          secret.visibility === 'selected' ? [...(selectedRepositoryIds ?? [])] : undefined;
      }
      target.secrets.set(secret.name, secret);
    },

    /** Moves every secret's and issue's timestamps back by `minutes`. */
    backdate(minutes) {
      if (!Number.isFinite(minutes)) throw new TypeError('backdate: minutes must be a number');
      const back = (iso) => isoSeconds(new Date(new Date(iso).getTime() - minutes * 60_000));
      for (const s of scopes.values()) {
        for (const secret of s.secrets.values()) {
          secret.createdAt = back(secret.createdAt);
          secret.updatedAt = back(secret.updatedAt);
        }
      }
      issues.backdate(minutes);
    },

    listSecrets() {
      return [...scopes.values()].flatMap((s) =>
        [...s.secrets.values()].map((secret) => ({
          ref: refOf(s, secret.name),
          ...secretView(secret),
        })),
      );
    },
  };
}
