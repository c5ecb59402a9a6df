/** The action: inputs -> settings -> rotate each user -> report. The one place with a catch-all. */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import {
  awsRegion,
  createCallerStsClient,
  createIamClient,
  createStsClientFor,
} from './aws/clients.js';
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
import { identifyCaller, splitSelf, type Caller } from './self-rotation.js';
import type { NewKey, Settings } from './types.js';

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const secrets = new Set<string>();
  const mask = (secret: string): void => {
    core.setSecret(secret);
    secrets.add(secret);
  };
  try {
    const settings = readSettings((name) => core.getInput(name), {
      workflowRepository: env.GITHUB_REPOSITORY,
      readFile: (path) => readFileSync(path, 'utf8'),
    });
    // A token from a step output is not always masked yet; mask it before anything can print it.
    if (settings.githubToken) mask(settings.githubToken);
    const aws = createAwsSession(awsRegion(env));
    const caller = await identifyCaller(aws.callerSts).catch((error: unknown) => {
      throw new Error(`AWS credentials do not work (${errorMessage(error)}); nothing was changed`);
    });
    const deps = buildDeps(settings, env, aws, mask);
    const results = await rotateAll(settings, caller, deps, aws);
    await publish(results, settings, env, secrets);
  } catch (error) {
    core.setFailed(redact(errorMessage(error), secrets));
  }
}

/** The AWS clients of one run; the IAM client is replaced when the action rotates itself. */
interface AwsSession {
  readonly region: string;
  readonly callerSts: STSClient;
  iam: IAMClient;
}

function createAwsSession(region: string): AwsSession {
  return { region, callerSts: createCallerStsClient(region), iam: createIamClient(region) };
}

/** Other users first, concurrently; the caller's own user last and alone. */
async function rotateAll(
  settings: Settings,
  caller: Caller,
  deps: RotationDeps,
  aws: AwsSession,
): Promise<UserResult[]> {
  const options = { policy: settings.policy, dryRun: settings.dryRun };
  const { others, self } = splitSelf(settings.users, caller);
  const results = await mapWithConcurrency(others, settings.concurrency, (user) =>
    rotateUser(user, deps, options),
  );
  if (!self) return results;
  core.info(`${self.name}: the action runs as this user; it is rotated last`);
  const switchToNewKey = (key: NewKey): void => {
    aws.iam = createIamClient(aws.region, key);
    core.info(`${self.name}: now using ${key.id} for the rest of this run`);
  };
  return [...results, await rotateUser(self, { ...deps, onVerified: switchToNewKey }, options)];
}

function buildDeps(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  aws: AwsSession,
  mask: (secret: string) => void,
): RotationDeps {
  const region = aws.region;
  const github = settings.githubToken
    ? createGitHubClient({
        token: settings.githubToken,
        baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
        log: (message) => core.info(message),
      })
    : undefined;
  return {
    iam: createIamGateway(() => aws.iam, mask),
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
