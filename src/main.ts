/** The action: inputs -> settings -> rotate each user -> report. The one place with a catch-all. */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { awsRegion, createIamClient, createStsClientFor } from './aws/clients.js';
import { createIamGateway } from './aws/iam-gateway.js';
import { createKeyVerifier } from './aws/key-verifier.js';
import { errorMessage } from './errors.js';
import { createGitHubClient } from './github/octokit.js';
import { createSecretStore } from './github/secret-store.js';
import { readSettings } from './inputs.js';
import { mapWithConcurrency } from './pool.js';
import { countOutcomes, reportJson, summaryMarkdown } from './report.js';
import type { UserResult } from './result.js';
import { rotateUser, type RotationDeps } from './rotate.js';
import type { Settings } from './types.js';

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const secrets = new Set<string>();
  try {
    const settings = readSettings((name) => core.getInput(name), {
      workflowRepository: env.GITHUB_REPOSITORY,
      readFile: (path) => readFileSync(path, 'utf8'),
    });
    const deps = buildDeps(settings, env, (secret) => {
      core.setSecret(secret);
      secrets.add(secret);
    });
    const results = await mapWithConcurrency(settings.users, settings.concurrency, (user) =>
      rotateUser(user, deps, { policy: settings.policy, dryRun: settings.dryRun }),
    );
    await publish(results, settings, env, secrets);
  } catch (error) {
    core.setFailed(redact(errorMessage(error), secrets));
  }
}

function buildDeps(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  mask: (secret: string) => void,
): RotationDeps {
  const region = awsRegion(env);
  const iamClient = createIamClient(region);
  const github = settings.githubToken
    ? createGitHubClient({
        token: settings.githubToken,
        baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
        log: (message) => core.info(message),
      })
    : undefined;
  return {
    iam: createIamGateway(() => iamClient, mask),
    verifier: createKeyVerifier((key) => createStsClientFor(region, key)),
    secrets: github ? createSecretStore(github) : undefined,
    log: (message) => core.info(message),
    now: () => new Date(),
  };
}

async function publish(
  results: readonly UserResult[],
  settings: Settings,
  env: NodeJS.ProcessEnv,
  secrets: ReadonlySet<string>,
): Promise<void> {
  const { rotated, failed } = countOutcomes(results);
  const context = {
    policy: settings.policy,
    dryRun: settings.dryRun,
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
  };
  core.setOutput('rotated', rotated);
  core.setOutput('failed', failed);
  core.setOutput('report', redact(reportJson(results), secrets));
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(redact(summaryMarkdown(results, context), secrets)).write();
  }
  for (const r of results.filter((result) => result.outcome === 'failed')) {
    core.error(redact(`${r.user}: ${r.message}`, secrets));
  }
  if (failed > 0)
    core.setFailed(`${failed} of ${results.length} user(s) failed; see the job summary`);
}

/** Defence in depth: no text leaves the action holding a secret created in this run. */
function redact(text: string, secrets: ReadonlySet<string>): string {
  let clean = text;
  for (const secret of secrets) clean = clean.split(secret).join('***');
  return clean;
}
