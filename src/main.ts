/** The action, wired: inputs -> settings -> rotation -> report. The one place with a catch-all. */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { NewKey } from './model/access-key.js';
import { messageOf } from './model/errors.js';
import type { Settings } from './model/settings.js';
import {
  awsRegion,
  createCallerStsClient,
  createIamClient,
  createStsClientFor,
} from './aws/aws-clients.js';
import { identifyCaller, ownAccessKey } from './aws/caller-identity.js';
import { createIamGateway } from './aws/iam-gateway.js';
import { createKeyVerifier } from './aws/key-verifier.js';
import { createGitHubClient } from './github/github-client.js';
import { createSecretStore } from './github/secret-store.js';
import { publish, type ActionOutput } from './report/publish.js';
import { Redactor } from './report/redaction.js';
import type { RotationDeps } from './rotation/ports.js';
import { rotateAll } from './rotation/rotate-all.js';
import { readSettings } from './settings/action-inputs.js';

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const redactor = new Redactor((secret) => core.setSecret(secret));
  try {
    const settings = readSettings((name) => core.getInput(name), {
      workflowRepository: env.GITHUB_REPOSITORY,
      readFile: (path) => readFileSync(path, 'utf8'),
    });
    // A token from a step output is not always masked yet; mask it before anything can print it.
    if (settings.githubToken) redactor.add(settings.githubToken);
    const region = awsRegion(env);
    const callerSts = createCallerStsClient(region);
    const caller = await identifyCaller(callerSts);
    const aws = { iam: createIamClient(region) };
    const switchToNewKey = (user: string, key: NewKey): void => {
      aws.iam = createIamClient(region, key);
      core.info(`${user}: now using ${key.id} for the rest of this run`);
    };
    const deps = rotationDeps(settings, env, region, () => aws.iam, redactor);
    const results = await rotateAll(settings.users, deps, {
      ...settings,
      callerUserName: caller.userName,
      switchToNewKey,
      ownKey: async () => {
        const key = await ownAccessKey(callerSts);
        if (key) redactor.add(key.secret);
        return key;
      },
    });
    const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
    const context = { policy: settings.policy, dryRun: settings.dryRun, serverUrl };
    await publish(results, context, actionOutput(env), redactor);
  } catch (error) {
    core.setFailed(redactor.redact(messageOf(error)));
  }
}

function rotationDeps(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  region: string,
  iamClient: () => IAMClient,
  redactor: Redactor,
): RotationDeps {
  const github = settings.githubToken
    ? createGitHubClient({
        token: settings.githubToken,
        baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
        log: (message) => core.info(message),
      })
    : undefined;
  return {
    iam: createIamGateway(iamClient, (secret) => redactor.add(secret)),
    verifier: createKeyVerifier((key) => createStsClientFor(region, key)),
    secrets: github ? createSecretStore(github) : undefined,
    log: (message) => core.info(message),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    runId: runIdOf(env),
  };
}

/** Names the workflow run in the rotation record: repository/run id/attempt. */
function runIdOf(env: NodeJS.ProcessEnv): string {
  const { GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id, GITHUB_RUN_ATTEMPT: attempt } = env;
  if (!id) return `local-${Date.now().toString(36)}`;
  return [repo, id, attempt].filter(Boolean).join('/');
}

function actionOutput(env: NodeJS.ProcessEnv): ActionOutput {
  return {
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    },
    error: (message) => core.error(message),
    setFailed: (message) => core.setFailed(message),
  };
}
