// What the GitHub stand-in does for each served operation, once the request has passed the
// spec and authentication checks. Each handler takes the request context and returns
// `{ status, body?, headers? }`; `body` is a JSON value, or undefined for no body.

import { createIssueHandlers } from './issues.mjs';
import { paginate, pageOf } from './paging.mjs';
import { fullRepository, minimalRepository, simpleUser } from './repository.mjs';
import { secretNameProblem } from './world.mjs';

const DOCS = 'https://docs.github.com/rest';

/** An error response the way GitHub words them (the message plus a documentation link). */
export function errorResponse(status, message) {
  return { status, body: { message, documentation_url: DOCS } };
}

const notFound = () => errorResponse(404, 'Not Found');
const unprocessable = (message) => errorResponse(422, message);

/** `/repos/{owner}/{repo}/actions/secrets/{secret_name}` -> `{scope}/{secret_name}`. */
const SCOPE_PREFIX =
  /^(?:\/repos\/\{owner\}\/\{repo\}\/(?:environments\/\{environment_name\}|\w+)|\/orgs\/\{org\}\/\w+)\/secrets/;

/** The secret kind in a route (environment secrets are Actions secrets). */
function kindOf(route) {
  return /\/(actions|dependabot|codespaces)\/secrets/.exec(route)?.[1] ?? 'actions';
}

/** Decrypts the sealed box of a PUT; returns `{ value }` or `{ error }`. */
function openSealedBox(sodium, scope, body) {
  if (typeof body.encrypted_value !== 'string') {
    return { error: unprocessable('encrypted_value is required') };
  }
  if (typeof body.key_id !== 'string') return { error: unprocessable('key_id is required') };
  if (body.key_id !== scope.keyId) {
    return { error: unprocessable(`key_id ${body.key_id} is not the current public key`) };
  }
  try {
    const sealed = sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL);
    const plain = sodium.crypto_box_seal_open(
      sealed,
      scope.keyPair.publicKey,
      scope.keyPair.privateKey,
    );
    return { value: new TextDecoder('utf-8', { fatal: true }).decode(plain) };
  } catch {
    return { error: unprocessable('encrypted_value could not be decrypted') };
  }
}

/**
 * @param {import('./world.mjs').World} world
 * @param {{ apiUrl: string }} context
 */
export function createHandlers(world, { apiUrl }) {
  const scopeOf = (ctx) =>
    world.scope({
      org: ctx.params.org,
      owner: ctx.params.owner,
      repo: ctx.params.repo,
      environment: ctx.params.environment_name,
      kind: kindOf(ctx.route),
    });

  const ownerOf = (login) =>
    simpleUser({
      login,
      id: world.ownerId(login),
      isOrg: world.findOrg(login) !== undefined,
      apiUrl,
    });

  const secretPath = (scope, name) =>
    `${apiUrl}/orgs/${scope.org}/${scope.kind}/secrets/${encodeURIComponent(name)}`;

  /** Checks ids against the organization's repositories; returns `{ ids }` or `{ error }`. */
  function repositoryIds(scope, rawIds) {
    const ids = rawIds.map(Number);
    for (const [i, id] of ids.entries()) {
      const repository = Number.isSafeInteger(id) ? world.repositoryById(id) : undefined;
      if (repository?.owner.toLowerCase() !== scope.org.toLowerCase()) {
        return { error: unprocessable(`${rawIds[i]} is not a repository of ${scope.org}`) };
      }
    }
    return { ids: [...new Set(ids)] };
  }

  /** Visibility and selected repositories of an organization secret write. */
  function orgAccess(scope, body, existing) {
    const { visibility, selected_repository_ids: rawIds } = body;
    if (!['all', 'private', 'selected'].includes(visibility)) {
      return { error: unprocessable('visibility must be one of all, private, selected') };
    }
    if (visibility !== 'selected') {
      return rawIds?.length
        ? { error: unprocessable('selected_repository_ids requires visibility "selected"') }
        : { access: { visibility } };
    }
    const checked = repositoryIds(scope, rawIds ?? existing?.selectedRepositoryIds ?? []);
    if (checked.error) return checked;
    return { access: { visibility, selectedRepositoryIds: checked.ids } };
  }

  function getRepository(ctx) {
    const repository = world.findRepo(ctx.params.owner, ctx.params.repo);
    if (!repository) return notFound();
    return {
      status: 200,
      body: fullRepository(repository, { apiUrl, owner: ownerOf(repository.owner) }),
    };
  }

  function getPublicKey(ctx) {
    const scope = scopeOf(ctx);
    if (!scope) return notFound();
    const { sodium } = world;
    const key = sodium.to_base64(scope.keyPair.publicKey, sodium.base64_variants.ORIGINAL);
    return { status: 200, body: { key_id: scope.keyId, key } };
  }

  function getSecret(ctx) {
    const scope = scopeOf(ctx);
    const secret = scope?.secrets.get(ctx.params.secret_name.toUpperCase());
    if (!secret) return notFound();
    const body = { name: secret.name, created_at: secret.createdAt, updated_at: secret.updatedAt };
    if (scope.org !== undefined) {
      body.visibility = secret.visibility;
      if (secret.visibility === 'selected') {
        body.selected_repositories_url = `${secretPath(scope, secret.name)}/repositories`;
      }
    }
    return { status: 200, body };
  }

  function putSecret(ctx) {
    const scope = scopeOf(ctx);
    if (!scope) return notFound();
    const problem = secretNameProblem(ctx.params.secret_name);
    if (problem) return unprocessable(problem);
    const name = ctx.params.secret_name.toUpperCase();
    const existing = scope.secrets.get(name);
    // An organization secret's access can be changed without sending a new value.
    const keepValue = scope.org !== undefined && existing && ctx.body.encrypted_value === undefined;
    const opened = keepValue
      ? { value: existing.value }
      : openSealedBox(world.sodium, scope, ctx.body);
    if (opened.error) return opened.error;
    const org = scope.org === undefined ? { access: {} } : orgAccess(scope, ctx.body, existing);
    if (org.error) return org.error;
    const now = world.now();
    const createdAt = existing?.createdAt ?? now;
    scope.secrets.set(name, {
      name,
      value: opened.value,
      createdAt,
      updatedAt: now,
      ...org.access,
    });
    return existing ? { status: 204 } : { status: 201, body: {} };
  }

  function deleteSecret(ctx) {
    const scope = scopeOf(ctx);
    const name = ctx.params.secret_name.toUpperCase();
    if (!scope?.secrets.delete(name)) return notFound();
    return { status: 204 };
  }

  function listSelectedRepositories(ctx) {
    const scope = scopeOf(ctx);
    const secret = scope?.secrets.get(ctx.params.secret_name.toUpperCase());
    if (!secret) return notFound();
    const all = (secret.selectedRepositoryIds ?? []).map(world.repositoryById).filter(Boolean);
    const { items, headers } = paginate(all, pageOf(ctx.query), `${apiUrl}${ctx.path}`);
    const repositories = items.map((r) =>
      minimalRepository(r, { apiUrl, owner: ownerOf(r.owner) }),
    );
    return { status: 200, headers, body: { total_count: all.length, repositories } };
  }

  function setSelectedRepositories(ctx) {
    const scope = scopeOf(ctx);
    const secret = scope?.secrets.get(ctx.params.secret_name.toUpperCase());
    if (!secret) return notFound();
    if (secret.visibility !== 'selected') {
      return errorResponse(409, 'The secret visibility is not set to selected');
    }
    const checked = repositoryIds(scope, ctx.body.selected_repository_ids);
    if (checked.error) return checked.error;
    secret.selectedRepositoryIds = checked.ids;
    return { status: 204 };
  }

  const handlers = {
    'GET /repos/{owner}/{repo}': getRepository,
    'GET {scope}/public-key': getPublicKey,
    'GET {scope}/{secret_name}': getSecret,
    'PUT {scope}/{secret_name}': putSecret,
    'DELETE {scope}/{secret_name}': deleteSecret,
    'GET {scope}/{secret_name}/repositories': listSelectedRepositories,
    'PUT {scope}/{secret_name}/repositories': setSelectedRepositories,
    ...createIssueHandlers(world, { apiUrl, errorResponse }),
  };

  /**
   * Runs the handler of a matched operation.
   * @param {{ method: string, path: string, route: string, params: Record<string, string>,
   *   query: Record<string, unknown>, body: any }} ctx
   */
  return function handle(ctx) {
    const handler = handlers[`${ctx.method} ${ctx.route.replace(SCOPE_PREFIX, '{scope}')}`];
    if (!handler) throw new Error(`no handler for ${ctx.method} ${ctx.route}`);
    return handler(ctx);
  };
}
