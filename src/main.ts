/** The action, wired: inputs -> settings -> rotation -> report. The one place with a catch-all. */
import * as core from '@actions/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewKey } from './model/access-key.js';
import { messageOf } from './model/errors.js';
import type { Settings } from './model/settings.js';
import { createAccountAccess } from './aws/account-access.js';
import {
  awsRegion,
  createCallerStsClient,
  createIamClient,
  createStsClientFor,
} from './aws/aws-clients.js';
import { identifyCaller, ownAccessKey } from './aws/caller-identity.js';
import { createKeyVerifier } from './aws/key-verifier.js';
import { createGitHubClient, createWritePacer } from './github/github-client.js';
import { createSecretStore } from './github/secret-store.js';
import { publish, type ActionOutput } from './report/publish.js';
import { Redactor } from './report/redaction.js';
import type { RunDeps } from './rotation/ports.js';
import { rotateAll } from './rotation/rotate-all.js';
import { readSettings } from './settings/action-inputs.js';

/** An account with this many users is triaged from one credential report (4 calls). */
const FAST_PATH_MIN_USERS = 5;

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
    const deps = runDeps(settings, env, region, () => aws.iam, redactor);
    const results = await rotateAll(settings.users, deps, {
      ...settings,
      callerUserName: caller.userName,
      switchToNewKey,
      ownKey: async () => {
        const key = await ownAccessKey(callerSts);
        if (key) redactor.add(key.secret);
        return key;
      },
      fastPathMinUsers: FAST_PATH_MIN_USERS,
    });
    await publish(results, reportContext(settings, env), actionOutput(env), redactor);
  } catch (error) {
    core.setFailed(redactor.redact(messageOf(error)));
  }
}

function runDeps(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  region: string,
  ownIam: () => ReturnType<typeof createIamClient>,
  redactor: Redactor,
): RunDeps {
  const github = settings.githubToken
    ? createGitHubClient({
        token: settings.githubToken,
        baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
        log: (message) => core.info(message),
        pacer: createWritePacer(),
      })
    : undefined;
  const log = (message: string) => core.info(message);
  return {
    accounts: createAccountAccess({
      ownIam,
      sessions: undefined,
      mask: (secret) => redactor.add(secret),
      log,
    }),
    verifier: createKeyVerifier((key) => createStsClientFor(region, key)),
    secrets: github ? createSecretStore(github) : undefined,
    log,
    logGroup: (title, lines) => {
      core.startGroup(title);
      lines.forEach(log);
      core.endGroup();
    },
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

function reportContext(settings: Settings, env: NodeJS.ProcessEnv) {
  const shard = settings.shard && { ...settings.shard, allUsers: settings.allUsers.length };
  return {
    policy: settings.policy,
    dryRun: settings.dryRun,
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    ...(shard ? { shard } : {}),
  };
}

function actionOutput(env: NodeJS.ProcessEnv): ActionOutput {
  return {
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    },
    writeReportFile: (json) => {
      const path = join(env.RUNNER_TEMP || tmpdir(), 'aws-key-rotation-report.json');
      writeFileSync(path, json);
      return path;
    },
    error: (message) => core.error(message),
    setFailed: (message) => core.setFailed(message),
  };
}
