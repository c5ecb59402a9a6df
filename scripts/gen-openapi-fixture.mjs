#!/usr/bin/env node
// Generates test/fixtures/github-openapi-subset.json: the operations the GitHub API stand-in
// (test/emulators/github-standin/index.mjs) serves, cut from GitHub's published OpenAPI description
// (npm @octokit/openapi, dereferenced so there are no $refs) and stripped to what validation
// needs. The output is committed, so tests never need the 385 MB package.
//
// Usage: node scripts/gen-openapi-fixture.mjs [path/to/api.github.com.deref.json]

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = resolve(root, 'test/fixtures/github-openapi-subset.json');

const KINDS = ['actions', 'dependabot', 'codespaces'];

/** Path template -> methods to keep (only those the spec defines are written). */
function wantedOperations() {
  const wanted = { '/repos/{owner}/{repo}': ['get'] };
  const secret = ['get', 'put', 'delete'];
  for (const kind of KINDS) {
    wanted[`/repos/{owner}/{repo}/${kind}/secrets/public-key`] = ['get'];
    wanted[`/repos/{owner}/{repo}/${kind}/secrets/{secret_name}`] = secret;
    wanted[`/orgs/{org}/${kind}/secrets/public-key`] = ['get'];
    wanted[`/orgs/{org}/${kind}/secrets/{secret_name}`] = secret;
    wanted[`/orgs/{org}/${kind}/secrets/{secret_name}/repositories`] = ['get', 'put'];
  }
  const environment = '/repos/{owner}/{repo}/environments/{environment_name}/secrets';
  wanted[`${environment}/public-key`] = ['get'];
  wanted[`${environment}/{secret_name}`] = secret;
  // Issues: the action reports failures in an issue (open, update, comment, close).
  wanted['/repos/{owner}/{repo}/issues'] = ['get', 'post'];
  wanted['/repos/{owner}/{repo}/issues/{issue_number}'] = ['patch'];
  wanted['/repos/{owner}/{repo}/issues/{issue_number}/comments'] = ['get', 'post'];
  return wanted;
}

/** Annotation keywords that validation never reads. */
const ANNOTATIONS = new Set([
  'description',
  'example',
  'examples',
  'externalDocs',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

/**
 * Copies a JSON schema without annotations and vendor extensions. Keys of a `properties`
 * map are property names (a repository has a `description` property), so they are kept.
 * OpenAPI 3.0's `nullable` without a `type` (beside `anyOf`/`oneOf`), which ajv refuses,
 * becomes `anyOf: [schema, { type: 'null' }]`, and a nullable `enum` gets null among its
 * values (ajv checks the enum on null too).
 */
function stripSchema(schema) {
  if (Array.isArray(schema)) return schema.map(stripSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, stripSchema(sub)]),
      );
    } else {
      out[key] = stripSchema(value);
    }
  }
  if (out.nullable === true && out.type === undefined) {
    const rest = { ...out };
    delete rest.nullable;
    return { anyOf: [rest, { type: 'null' }] };
  }
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) {
    out.enum = [...out.enum, null];
  }
  return out;
}

function jsonSchemaOf(content) {
  const json = content?.['application/json'];
  return json?.schema ? stripSchema(json.schema) : undefined;
}

function stripParameter(parameter) {
  const { name, in: where, required, schema } = parameter;
  return { name, in: where, required: required === true, schema: stripSchema(schema ?? {}) };
}

function stripOperation(operation) {
  const out = { operationId: operation.operationId, summary: operation.summary };
  out.parameters = (operation.parameters ?? []).map(stripParameter);
  if (operation.requestBody) {
    const schema = jsonSchemaOf(operation.requestBody.content);
    out.requestBody = { required: operation.requestBody.required === true, schema };
  }
  out.responses = {};
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const schema = jsonSchemaOf(response.content);
    out.responses[status] = schema ? { schema } : {};
  }
  return out;
}

function main() {
  const require = createRequire(import.meta.url);
  const source =
    process.argv[2] ?? require.resolve('@octokit/openapi/generated/api.github.com.deref.json');
  const spec = JSON.parse(readFileSync(source, 'utf8'));
  const paths = {};
  for (const [template, methods] of Object.entries(wantedOperations())) {
    const item = spec.paths[template];
    if (!item) throw new Error(`The spec has no path ${template}`);
    for (const method of methods) {
      if (!item[method]) continue;
      paths[template] ??= {};
      paths[template][method] = stripOperation(item[method]);
    }
  }
  const fixture = {
    source: '@octokit/openapi generated/api.github.com.deref.json',
    openapi: spec.openapi,
    info: { title: spec.info?.title, version: spec.info?.version },
    paths,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  const text = `${JSON.stringify(fixture, null, 2)}\n`;
  writeFileSync(outFile, text);
  const operations = Object.values(paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`wrote ${outFile}: ${operations} operations, ${text.length} bytes`);
}

main();
