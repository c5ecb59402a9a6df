// Starts the bundled action the way a GitHub runner does: INPUT_* variables,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and a child `node dist/index.js`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../..', import.meta.url).pathname;

/** The variable name a runner uses for an input, as @actions/core reads it. */
export function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parses the GITHUB_OUTPUT file (`name<<delimiter` blocks). */
export function parseOutputFile(text) {
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/**
 * Runs dist/index.js once.
 * @param {{ inputs: Record<string,string>, env?: Record<string,string>, files?: Record<string,string>,
 *   timeoutMs?: number, killWhen?: (stdout: string) => boolean }} options
 *   files: extra files written into the step's working folder (e.g. a config file).
 *   killWhen: SIGKILLs the action as soon as its stdout satisfies the predicate (crash tests).
 * @returns {Promise<{ code: number|null, signal: string|null, stdout: string, stderr: string,
 *   summary: string, outputs: Record<string,string>, workdir: string, cleanup: () => void }>}
 */
export async function runAction({ inputs, env = {}, files = {}, timeoutMs = 120_000, killWhen }) {
  const workdir = mkdtempSync(join(tmpdir(), 'action-run-'));
  const summaryPath = join(workdir, 'summary.md');
  const outputPath = join(workdir, 'output.txt');
  writeFileSync(summaryPath, '');
  writeFileSync(outputPath, '');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(workdir, name), text);
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [inputVariable(name), value]),
  );
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workdir,
    RUNNER_TEMP: workdir,
    AWS_REGION: 'us-east-1',
    ...inputEnv,
    ...env,
  };
  const child = spawn(process.execPath, [join(repoRoot, 'dist/index.js')], {
    cwd: workdir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (killWhen?.(stdout)) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise((resolve) =>
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(timer);
  return {
    code,
    signal,
    stdout,
    stderr,
    summary: readFileSync(summaryPath, 'utf8'),
    outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
    workdir,
    cleanup: () => rmSync(workdir, { recursive: true, force: true }),
  };
}

/**
 * Where each secret value appears in what the run left behind. Lines of the
 * runner's `::add-mask::` command are exempt: that is how a secret gets masked.
 * @returns {string[]} one description per leak, empty when clean
 */
export function findLeaks(run, secretValues) {
  const places = {
    stdout: run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    stderr: run.stderr,
    summary: run.summary,
    outputs: JSON.stringify(run.outputs),
  };
  const leaks = [];
  for (const secret of secretValues) {
    for (const [place, text] of Object.entries(places)) {
      if (secret && text.includes(secret))
        leaks.push(`${place} contains a secret (${secret.length} chars)`);
    }
  }
  return leaks;
}

/**
 * The variables that point a run at the local servers, as the SDK and @actions/github read them.
 * @param {{ awsUrl: string, githubUrl: string, key: { accessKeyId: string, secretAccessKey: string },
 *   repository?: string }} world
 */
export function localServersEnv({ awsUrl, githubUrl, key, repository = 'octo/app' }) {
  return {
    AWS_ENDPOINT_URL_IAM: awsUrl,
    AWS_ENDPOINT_URL_STS: awsUrl,
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    GITHUB_API_URL: githubUrl,
    GITHUB_REPOSITORY: repository,
  };
}
