/** The action, wired: inputs -> settings -> rotation -> audit -> notifications -> report. */
import * as core from '@actions/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { STSClient } from '@aws-sdk/client-sts';
import { runAudit } from './audit/run-audit.js';
import type { NewKey } from './model/access-key.js';
import { messageOf } from './model/errors.js';
import type { Settings } from './model/settings.js';
import type { UserResult } from './model/user-result.js';
import { createAccountAccess } from './aws/account-access.js';
import { createAccountSessions, roleSessionName } from './aws/account-sessions.js';
import {
  awsRegion,
  createCallerStsClient,
  createIamClient,
  createStsClientFor,
} from './aws/aws-clients.js';
import { identifyCaller, ownAccessKey, type Caller } from './aws/caller-identity.js';
import { createEmailSender } from './aws/email-sender.js';
import { createKeyVerifier } from './aws/key-verifier.js';
import { createSesClient } from './aws/ses-client.js';
import { createGitHubClient, createWritePacer, type GitHubClient } from './github/github-client.js';
import { createIssueTracker } from './github/issue-tracker.js';
import { createSecretStore } from './github/secret-store.js';
import { attentionOf } from './report/attention.js';
import { notify, type Notifiers } from './report/notify.js';
import { publish, type ActionOutput } from './report/publish.js';
import { Redactor } from './report/redaction.js';
import type { AccountAccess } from './rotation/ports.js';
import { rotateAll } from './rotation/rotate-all.js';
import { readSettings } from './settings/action-inputs.js';
import { inShard } from './settings/shard.js';

/** An account with this many users is triaged from one credential report (4 calls). */
const FAST_PATH_MIN_USERS = 5;
/** Writes kept back from max-writes-per-run for the tracking issue (open or update, comment). */
const ISSUE_WRITES = 3;

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
    const github = settings.githubToken ? gitHubClient(settings.githubToken, env) : undefined;
    const aws = { iam: createIamClient(region) };
    const accounts = accountAccess(
      settings,
      env,
      { region, callerSts, caller },
      () => aws.iam,
      redactor,
    );
    const results = await rotateAll(settings.users, rotationDeps(env, region, accounts, github), {
      ...settings,
      writesKeptBack: settings.notify.issue ? ISSUE_WRITES : 0,
      callerUserName: caller.userName,
      switchToNewKey: (user: string, key: NewKey) => {
        aws.iam = createIamClient(region, key);
        core.info(`${user}: now using ${key.id} for the rest of this run`);
      },
      ownKey: async () => {
        const key = await ownAccessKey(callerSts);
        if (key) redactor.add(key.secret);
        return key;
      },
      ownAccount: caller.accountId,
      fastPathMinUsers: FAST_PATH_MIN_USERS,
    });
    const audit = await audited(settings, accounts, caller, results);
    const attention = attentionOf(results, audit && { mode: audit.mode, ...audit.result });
    const notified = settings.dryRun
      ? undefined
      : await notify(attention, settings.notify, notifiers(settings, env, region, github), {
          run: runLink(env),
          redactor,
        });
    for (const problem of notified?.problems ?? []) core.warning(problem);
    const report = {
      results,
      attention,
      ...(audit ? { audit } : {}),
      ...(notified ? { notified } : {}),
    };
    await publish(report, reportContext(settings, env), actionOutput(env), redactor);
  } catch (error) {
    core.setFailed(redactor.redact(messageOf(error)));
  }
}

function gitHubClient(token: string, env: NodeJS.ProcessEnv): GitHubClient {
  return createGitHubClient({
    token,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    log: (message) => core.info(message),
    pacer: createWritePacer(),
  });
}

function accountAccess(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  aws: { region: string; callerSts: STSClient; caller: Caller },
  ownIam: () => ReturnType<typeof createIamClient>,
  redactor: Redactor,
): AccountAccess {
  const roles = Object.fromEntries(
    settings.accounts.map((a) => [a.name, { roleArn: a.roleArn, externalId: a.externalId }]),
  );
  const sessions =
    settings.accounts.length > 0
      ? createAccountSessions({
          accounts: roles,
          region: aws.region,
          sessionName: roleSessionName(env),
          sts: aws.callerSts,
          callerArn: aws.caller.arn,
        })
      : undefined;
  return createAccountAccess({
    ownIam,
    sessions,
    mask: (secret) => redactor.add(secret),
    log: (message) => core.info(message),
  });
}

function rotationDeps(
  env: NodeJS.ProcessEnv,
  region: string,
  accounts: AccountAccess,
  github: GitHubClient | undefined,
) {
  const log = (message: string) => core.info(message);
  return {
    accounts,
    verifier: createKeyVerifier((key) => createStsClientFor(region, key)),
    secrets: github ? createSecretStore(github) : undefined,
    log,
    logGroup: (title: string, lines: readonly string[]) => {
      core.startGroup(title);
      lines.forEach(log);
      core.endGroup();
    },
    now: () => new Date(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    runId: runIdOf(env),
  };
}

/** With `audit` on: every account's stale keys, from the reports the fast path also reads. */
async function audited(
  settings: Settings,
  accounts: AccountAccess,
  caller: Caller,
  results: readonly UserResult[],
) {
  if (settings.audit === 'off') return undefined;
  const names = [undefined, ...settings.accounts.map((a) => a.name)];
  const result = await runAudit({
    accounts: names,
    label: (account) => account ?? caller.accountId,
    reportFor: (account) => accounts.reportFor(account),
    managed: (account) => settings.allUsers.filter((u) => u.account === account).map((u) => u.name),
    isMine: (account, user) =>
      !settings.shard || inShard({ name: user, account, targets: [] }, settings.shard),
    maxAgeDays: settings.policy.maxAgeDays,
    now: new Date(),
    results,
  });
  return { mode: settings.audit, result };
}

function notifiers(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  region: string,
  github: GitHubClient | undefined,
): Notifiers {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  return {
    email:
      settings.notify.emailTo.length > 0 ? createEmailSender(createSesClient(region)) : undefined,
    issues:
      settings.notify.issue && github && owner && repo
        ? createIssueTracker(github, { owner, repo })
        : undefined,
  };
}

/** Names the workflow run in the rotation record: repository/run id/attempt. */
function runIdOf(env: NodeJS.ProcessEnv): string {
  const { GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id, GITHUB_RUN_ATTEMPT: attempt } = env;
  if (!id) return `local-${Date.now().toString(36)}`;
  return [repo, id, attempt].filter(Boolean).join('/');
}

/** The run's page, for the email and the issue. */
function runLink(env: NodeJS.ProcessEnv) {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY ?? 'this repository';
  const url = env.GITHUB_RUN_ID
    ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}`
    : `${server}/${repository}/actions`;
  return { repository, url };
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
