// A stand-in for GitHub's REST API, limited to the secrets endpoints (repository, environment
// and organization secrets of Actions, Dependabot and Codespaces), `GET /repos/{owner}/{repo}`
// and issues (list, create, update, comment, list comments).
//
// Every request is checked against GitHub's published OpenAPI description (the subset in
// test/fixtures/github-openapi-subset.json, made by scripts/gen-openapi-fixture.mjs), and so is
// every response the stand-in sends; mismatches are recorded in `violations`. Each secret scope
// has its own libsodium key pair, so the stand-in decrypts every sealed box it receives and a
// test can assert the plaintext that reached each secret. GitHub's secondary rate limits on
// content creation are enforced (secondary-limits.mjs), over the same clock as timestamps.

import { randomUUID } from 'node:crypto';
import { readBody, startLocalServer } from '../local-server.mjs';
import { createFaults } from './faults.mjs';
import { createHandlers, errorResponse } from './handlers.mjs';
import { isIssueRoute } from './issues.mjs';
import { createSecondaryLimits } from './secondary-limits.mjs';
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
 * @typedef {'write' | 'forbidden' | 'secrets-only'} TokenAccess
 */

/**
 * @typedef {import('./secondary-limits.mjs').SecondaryLimits} SecondaryLimits
 */

/**
 * @typedef {object} StandInOptions
 * @property {Record<string, TokenAccess>} [tokens] token -> access. Unknown or missing tokens
 *   get 401; `forbidden` tokens get 403 on every request; `secrets-only` tokens (a token
 *   without the Issues permission) get 403 "Resource not accessible by personal access token"
 *   on the issues routes and may use every other route.
 * @property {RepositorySpec[]} [repositories]
 * @property {string[]} [organizations] organization logins
 * @property {() => Date} [now] clock for created_at / updated_at and for the secondary-limit
 *   windows (default: the real one)
 * @property {SecondaryLimits | false} [limits] GitHub's secondary limits on content-generating
 *   requests (POST, PUT, PATCH, DELETE): 80 per minute and 500 per hour unless set; a field set
 *   to false, or `limits: false`, turns that window (or both) off. Only authenticated requests
 *   that were let through count (a refused one does not, nor one an injected fault answered);
 *   a request over a limit gets 403 with `retry-after` and changes nothing.
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
 * @property {boolean} [secondaryLimited] true when it was refused for a secondary rate limit
 */

/**
 * @typedef {import('./faults.mjs').FaultSpec} FaultSpec
 * @typedef {import('./issues.mjs').Issue} Issue
 * @typedef {import('./issues.mjs').IssueComment} IssueComment
 */

/**
 * @typedef {object} GitHubStandIn
 * @property {string} url base URL, e.g. `http://127.0.0.1:12345` (use as GITHUB_API_URL)
 * @property {RecordedRequest[]} requests every request, in arrival order
 * @property {string[]} violations requests or responses that did not match the spec
 * @property {(ref: SecretRef) => StoredSecret | undefined} getSecret
 * @property {(ref: SecretRef, secret: SeedSecret) => void} seedSecret
 * @property {() => ListedSecret[]} listSecrets every stored secret
 * @property {() => Issue[]} listIssues every issue of every repository, oldest first, with
 *   its comments
 * @property {() => Record<string, number>} countByRoute `"GET /repos/{owner}/{repo}" -> n`
 * @property {() => number} secondaryLimitHits how many requests were refused for a secondary
 *   rate limit (since the last reset)
 * @property {(minutes: number) => void} backdate moves every stored secret's and issue's (and
 *   comment's) timestamps back by `minutes`, as if that much time had passed; the clock and
 *   the rate-limit windows are not moved
 * @property {(fault: FaultSpec) => void} injectFault the next `times` matching requests (after
 *   `skip`) get `response` instead of normal handling; they change no state
 * @property {() => void} reset clears requests, violations, faults and the secondary-limit
 *   windows (not secrets or issues)
 * @property {() => Promise<void>} close stops the server, dropping open connections
 */

const BASE_HEADERS = {
  'x-github-media-type': 'github.v3; format=json',
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': '4999',
  'x-ratelimit-used': '1',
  'x-ratelimit-resource': 'core',
};

const ACCESS = ['write', 'forbidden', 'secrets-only'];

function checkOptions({ tokens = {}, repositories = [], organizations = [] }) {
  for (const [token, access] of Object.entries(tokens)) {
    if (!ACCESS.includes(access)) {
      throw new TypeError(`GitHub stand-in: token ${token} must be one of ${ACCESS.join(', ')}`);
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

/**
 * `Authorization: token X` or `Bearer X` on `route` -> the error response, or undefined when
 * allowed.
 */
function authorize(tokens, header, route) {
  const token = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  const access = token === undefined ? undefined : Object.hasOwn(tokens, token) && tokens[token];
  if (access === 'write') return undefined;
  if (access === 'secrets-only') {
    return isIssueRoute(route)
      ? errorResponse(403, 'Resource not accessible by personal access token')
      : undefined;
  }
  if (access === 'forbidden') return errorResponse(403, 'Resource not accessible by integration');
  return errorResponse(401, 'Bad credentials');
}

const SECONDARY_LIMIT_DOCS =
  'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits';

/** GitHub's answer to a request over a secondary rate limit. */
function secondaryLimitResponse(retryAfter) {
  const requestId = randomUUID();
  return {
    status: 403,
    headers: { 'retry-after': String(retryAfter), 'x-github-request-id': requestId },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try ' +
        `again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
      documentation_url: SECONDARY_LIMIT_DOCS,
    },
  };
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
  const limits = createSecondaryLimits(options.limits, options.now ?? (() => new Date()));
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {string[]} */
  const violations = [];
  let handle;

  /**
   * The normal answer: route, authentication, secondary limits, input, then the handler;
   * response checked.
   */
  function answer(prepared, req, record, violate) {
    if (prepared.routeError) return prepared.routeError;
    let result = authorize(tokens, req.headers.authorization, prepared.match.route);
    if (result === undefined) {
      const retryAfter = limits.admit(record.method);
      if (retryAfter > 0) {
        record.secondaryLimited = true;
        result = secondaryLimitResponse(retryAfter);
      }
    }
    result ??= prepared.inputError;
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
    const taken = faults.take(method, url.pathname);
    const fault = typeof taken === 'function' ? taken() : taken;
    if (fault !== undefined) record.fault = true;
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.delayMs !== undefined) await local.wait(fault.delayMs);
    if (fault?.until !== undefined) await local.hold(fault.until);
    // A caller killed while its request was held never sees it land: no late change under a
    // test's next run.
    if (local.closing() || req.socket.destroyed) return;
    const result = fault?.status !== undefined ? fault : answer(prepared, req, record, violate);
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
    listIssues: () => world.issues.views(),
    countByRoute() {
      const counts = {};
      for (const { method, route, path } of requests) {
        const key = `${method} ${route ?? path}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    secondaryLimitHits: () => requests.filter((r) => r.secondaryLimited).length,
    backdate: (minutes) => world.backdate(minutes),
    injectFault: (fault) => faults.add(fault),
    reset() {
      requests.length = 0;
      violations.length = 0;
      faults.clear();
      limits.clear();
    },
    close: () => local.close(),
  };
}
