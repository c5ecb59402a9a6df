// The OpenAPI side of the GitHub stand-in: route matching and ajv validation of requests and
// responses against test/fixtures/github-openapi-subset.json (scripts/gen-openapi-fixture.mjs).

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

const FIXTURE = new URL('../../fixtures/github-openapi-subset.json', import.meta.url);

/**
 * Formats used by the fixture. There is no ajv-formats here: these are deliberately simple.
 * `date-time` follows RFC 3339 as GitHub writes it.
 */
const FORMATS = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i,
  uri: /^[a-z][a-z0-9+.-]*:\S*$/i,
  int64: true,
};

/**
 * @typedef {object} Operation
 * @property {string} [operationId]
 * @property {string} [summary]
 * @property {{ name: string, in: string, required: boolean, schema: object }[]} parameters
 * @property {{ required: boolean, schema?: object }} [requestBody]
 * @property {Record<string, { schema?: object }>} responses
 */

/**
 * @typedef {object} RouteMatch
 * @property {string} route the OpenAPI path template
 * @property {Record<string, string>} params decoded path parameters
 * @property {Operation | undefined} operation undefined when the template lacks the method
 */

function compileTemplate(template) {
  const names = [];
  const segments = template.split('/').map((segment) => {
    const param = /^\{(\w+)\}$/.exec(segment);
    if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    names.push(param[1]);
    return '([^/]+)';
  });
  const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length;
  return { template, names, literals, regex: new RegExp(`^${segments.join('/')}$`) };
}

function decodeParams(names, values) {
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(values[i])]));
  } catch {
    return undefined;
  }
}

/** An object schema over a set of parameters (`in` = path or query). */
function parametersSchema(operation, where) {
  const list = operation.parameters.filter((p) => p.in === where);
  return {
    type: 'object',
    properties: Object.fromEntries(list.map((p) => [p.name, p.schema])),
    required: list.filter((p) => p.required).map((p) => p.name),
  };
}

/** Loads the fixture and returns the matcher and validators the server uses. */
export function loadSpec() {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  const routes = Object.keys(fixture.paths).map(compileTemplate);
  const strictAjv = new Ajv({ strict: false, allErrors: true, formats: FORMATS });
  const coercingAjv = new Ajv({
    strict: false,
    allErrors: true,
    coerceTypes: true,
    formats: FORMATS,
  });
  const cache = new Map();

  /** Compiles a schema once per (operation, part). */
  function validator(key, ajv, schema) {
    if (!cache.has(key)) cache.set(key, ajv.compile(schema));
    return cache.get(key);
  }

  function describe(validate, dataVar) {
    return strictAjv.errorsText(validate.errors, { dataVar, separator: '; ' });
  }

  return {
    /**
     * The most specific template matching the path (literal segments beat parameters, so
     * `.../secrets/public-key` is not read as a secret named "public-key").
     * @returns {RouteMatch | undefined}
     */
    match(method, path) {
      let best;
      for (const route of routes) {
        const found = route.regex.exec(path);
        if (!found || (best && best.route.literals >= route.literals)) continue;
        const params = decodeParams(route.names, found.slice(1));
        if (params) best = { route, params };
      }
      if (!best) return undefined;
      const operation = fixture.paths[best.route.template][method.toLowerCase()];
      return { route: best.route.template, params: best.params, operation };
    },

    /**
     * Validates path and query parameters and the JSON body of a matched request.
     * Query values are coerced to their documented types in place.
     * @returns {string[]} problems, empty when the request matches the spec
     */
    validateRequest(match, { query, body, hasBody }) {
      const key = `${match.route} ${match.operation.operationId}`;
      const problems = [];
      const pathCheck = validator(
        `${key} path`,
        coercingAjv,
        parametersSchema(match.operation, 'path'),
      );
      if (!pathCheck({ ...match.params })) problems.push(describe(pathCheck, 'path'));
      const queryCheck = validator(
        `${key} query`,
        coercingAjv,
        parametersSchema(match.operation, 'query'),
      );
      if (!queryCheck(query)) problems.push(describe(queryCheck, 'query'));
      const requestBody = match.operation.requestBody;
      if (requestBody?.required && !hasBody) problems.push('request body is required');
      if (requestBody?.schema && hasBody) {
        const bodyCheck = validator(`${key} body`, strictAjv, requestBody.schema);
        if (!bodyCheck(body)) problems.push(describe(bodyCheck, 'body'));
      }
      return problems;
    },

    /**
     * Checks a response the stand-in is about to send against the documented one.
     * Undocumented error statuses (401, 404, 422 on most routes) are not checked: GitHub
     * sends them everywhere without documenting each one. An undocumented success is.
     * @returns {string | undefined} the problem, if any
     */
    validateResponse(match, status, body) {
      const documented = match.operation.responses[String(status)];
      if (!documented) {
        return status < 400 ? `status ${status} is not documented` : undefined;
      }
      if (!documented.schema) {
        return body === undefined ? undefined : `status ${status} is documented without a body`;
      }
      if (body === undefined) return `status ${status} must have a JSON body`;
      const key = `${match.route} ${match.operation.operationId} ${status}`;
      const check = validator(key, strictAjv, documented.schema);
      return check(body) ? undefined : describe(check, `response ${status}`);
    },
  };
}
