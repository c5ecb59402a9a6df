// A stand-in for GitHub's REST API, limited to the secrets endpoints (repository, environment
// and organization secrets of Actions, Dependabot and Codespaces) and `GET /repos/{owner}/{repo}`.
//
// Every request is checked against GitHub's published OpenAPI description (the subset in
// test/fixtures/github-openapi-subset.json, made by scripts/gen-openapi-fixture.mjs), and so is
// every response the stand-in sends; mismatches are recorded in `violations`. Each secret scope
// has its own libsodium key pair, so the stand-in decrypts every sealed box it receives and a
// test can assert the plaintext that reached each secret.

import { randomUUID } from 'node:crypto';
import { readBody, startLocalServer } from '../local-server.mjs';
import { createFaults } from './faults.mjs';
import { createHandlers, errorResponse } from './handlers.mjs';
import { loadSpec } from './spec.mjs';
import { createWorld } from './world.mjs';

/**
 * @typedef {object} RepositorySpec
 * @property {string} owner
 * @property {string} repo
 * @property {number} id
 * @property {string[]} [environments]
 */

/**
 * @typedef {object} StandInOptions
 * @property {Record<string, 'write' | 'forbidden'>} [tokens] token -> access. Unknown or missing
 *   tokens get 401; `forbidden` tokens get 403 on every request.
 * @property {RepositorySpec[]} [repositories]
 * @property {string[]} [organizations] organization logins
 * @property {() => Date} [now] clock for created_at / updated_at (default: the real one)
 */

/**
 * Where a secret lives: `{ owner, repo, kind?, name }` (repository; kind defaults to
 * `actions`), `{ owner, repo, environment, name }` (environment) or `{ org, kind?, name }`.
 * Names are case-insensitive, as on GitHub (stored upper-case).
 * @typedef {object} SecretRef
 * @property {string} [owner]
 * @property {string} [repo]
 * @property {'actions' | 'dependabot' | 'codespaces'} [kind]
 * @property {string} [environment]
 * @property {string} [org]
 * @property {string} name
 */

/**
 * @typedef {object} StoredSecret
 * @property {string} value the plaintext
 * @property {string} createdAt ISO 8601, second precision
 * @property {string} updatedAt ISO 8601, second precision
 * @property {'all' | 'private' | 'selected'} [visibility] organization secrets only
 * @property {number[]} [selectedRepositoryIds] organization secrets with visibility `selected`
 */

/** @typedef {StoredSecret & { ref: SecretRef }} ListedSecret */

/**
 * @typedef {object} SeedSecret
 * @property {string} value
 * @property {string | Date} [updatedAt] default: now
 * @property {string | Date} [createdAt] default: updatedAt
 * @property {'all' | 'private' | 'selected'} [visibility] organization secrets (default private)
 * @property {number[]} [selectedRepositoryIds]
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path the request path, without the query string
 * @property {string | null} route the OpenAPI path template, null when none matched
 * @property {number} status the status sent; 0 while pending or when the connection was dropped
 * @property {boolean} [fault] true when an injected fault answered (or delayed) it
 */

/**
 * @typedef {import('./faults.mjs').FaultSpec} FaultSpec
 */

/**
 * @typedef {object} GitHubStandIn
 * @property {string} url base URL, e.g. `http://127.0.0.1:12345` (use as GITHUB_API_URL)
 * @property {RecordedRequest[]} requests every request, in arrival order
 * @property {string[]} violations requests or responses that did not match the spec
 * @property {(ref: SecretRef) => StoredSecret | undefined} getSecret
 * @property {(ref: SecretRef, secret: SeedSecret) => void} seedSecret
 * @property {() => ListedSecret[]} listSecrets every stored secret
 * @property {() => Record<string, number>} countByRoute `"GET /repos/{owner}/{repo}" -> n`
 * @property {(fault: FaultSpec) => void} injectFault the next `times` matching requests (after
 *   `skip`) get `response` instead of normal handling; they change no state
 * @property {() => void} reset clears requests, violations and faults (not secrets)
 * @property {() => Promise<void>} close stops the server, dropping open connections
 */

const BASE_HEADERS = {
  'x-github-media-type': 'github.v3; format=json',
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': '4999',
  'x-ratelimit-used': '1',
  'x-ratelimit-resource': 'core',
};

function checkOptions({ tokens = {}, repositories = [], organizations = [] }) {
  for (const [token, access] of Object.entries(tokens)) {
    if (access !== 'write' && access !== 'forbidden') {
      throw new TypeError(`GitHub stand-in: token ${token} must be 'write' or 'forbidden'`);
    }
  }
  for (const r of repositories) {
    if (typeof r.owner !== 'string' || typeof r.repo !== 'string' || !Number.isInteger(r.id)) {
      throw new TypeError(`GitHub stand-in: bad repository ${JSON.stringify(r)}`);
    }
  }
  if (!organizations.every((org) => typeof org === 'string')) {
    throw new TypeError('GitHub stand-in: organizations must be logins (strings)');
  }
}

/** `Authorization: token X` or `Bearer X` -> the error response, or undefined when allowed. */
function authorize(tokens, header) {
  const token = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  const access = token === undefined ? undefined : Object.hasOwn(tokens, token) && tokens[token];
  if (access === 'write') return undefined;
  if (access === 'forbidden') return errorResponse(403, 'Resource not accessible by integration');
  return errorResponse(401, 'Bad credentials');
}

function send(res, { status, headers = {}, body }) {
  if (res.destroyed || res.headersSent) return;
  const all = { ...BASE_HEADERS, 'x-github-request-id': randomUUID(), ...headers };
  if (body === undefined) {
    res.writeHead(status, all).end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (
    typeof body !== 'string' &&
    !Object.keys(all).some((h) => h.toLowerCase() === 'content-type')
  ) {
    all['content-type'] = 'application/json; charset=utf-8';
  }
  res.writeHead(status, all).end(text);
}

/**
 * Matches and validates a request. Returns the handler context plus the errors to answer with:
 * `routeError` (no such operation: answered before authentication) and `inputError` (bad
 * parameters or body: answered after it, as GitHub does).
 */
function prepare(spec, { method, url, raw }, violate) {
  const path = url.pathname;
  const match = spec.match(method, path);
  if (!match?.operation) {
    violate(match ? `${method} is not documented for ${match.route}` : 'no such path in the spec');
    return { match, routeError: errorResponse(404, 'Not Found') };
  }
  const query = Object.fromEntries(url.searchParams);
  const ctx = { method, path, route: match.route, params: match.params, query, body: {} };
  const hasBody = raw.length > 0;
  if (hasBody) {
    try {
      ctx.body = JSON.parse(raw.toString('utf8'));
    } catch {
      violate('request body is not JSON');
      return { match, ctx, inputError: errorResponse(400, 'Problems parsing JSON') };
    }
  }
  const problems = spec.validateRequest(match, { query, body: ctx.body, hasBody });
  problems.forEach(violate);
  if (problems.length === 0) return { match, ctx };
  const message = `Invalid request.\n\n${problems.join('\n')}`;
  return { match, ctx, inputError: errorResponse(422, message) };
}

/**
 * Starts a GitHub API stand-in on 127.0.0.1 (a free port).
 * @param {StandInOptions} [options]
 * @returns {Promise<GitHubStandIn>}
 */
export async function startGitHubStandIn(options = {}) {
  checkOptions(options);
  const tokens = { ...(options.tokens ?? {}) };
  const world = await createWorld(options);
  const spec = loadSpec();
  const faults = createFaults();
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {string[]} */
  const violations = [];
  let handle;

  /** The normal answer: route, authentication, input, then the handler; response checked. */
  function answer(prepared, req, violate) {
    if (prepared.routeError) return prepared.routeError;
    let result = authorize(tokens, req.headers.authorization) ?? prepared.inputError;
    try {
      result ??= handle(prepared.ctx);
    } catch (error) {
      violate(`stand-in failed: ${error?.stack ?? error}`);
      return errorResponse(500, 'Server Error');
    }
    const problem = spec.validateResponse(prepared.match, result.status, result.body);
    if (problem) violate(`response: ${problem}`);
    return result;
  }

  async function serve(req, res) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    /** @type {RecordedRequest} */
    const record = { method, path: url.pathname, route: null, status: 0 };
    requests.push(record);
    const violate = (problem) => violations.push(`${method} ${url.pathname}: ${problem}`);
    const raw = await readBody(req);
    const prepared = prepare(spec, { method, url, raw }, violate);
    record.route = prepared.match?.route ?? null;
    const fault = faults.take(method, url.pathname);
    if (fault !== undefined) record.fault = true;
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.delayMs !== undefined) await local.wait(fault.delayMs);
    if (local.closing()) return;
    const result = fault?.status !== undefined ? fault : answer(prepared, req, violate);
    record.status = result.status;
    send(res, result);
  }

  const local = await startLocalServer((req, res) =>
    serve(req, res).catch((error) => {
      violations.push(`stand-in failed: ${error?.stack ?? error}`);
      send(res, errorResponse(500, 'Server Error'));
    }),
  );
  const url = local.url;
  handle = createHandlers(world, { apiUrl: url });

  return {
    url,
    requests,
    violations,
    getSecret: (ref) => world.getSecret(ref),
    seedSecret: (ref, secret) => world.seedSecret(ref, secret),
    listSecrets: () => world.listSecrets(),
    countByRoute() {
      const counts = {};
      for (const { method, route, path } of requests) {
        const key = `${method} ${route ?? path}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    injectFault: (fault) => faults.add(fault),
    reset() {
      requests.length = 0;
      violations.length = 0;
      faults.clear();
    },
    close: () => local.close(),
  };
}
