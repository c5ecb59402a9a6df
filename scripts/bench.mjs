// Benchmark: N users with stale keys, spread over a handful of repositories and an
// organization, rotated by one run of the bundled action against moto and the GitHub stand-in.
// Prints wall time, API calls by operation and per user against the minimum, and peak memory.
//   node scripts/bench.mjs [--users 200] [--concurrency 4]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAwsProxy } from '../test/emulators/aws-proxy.mjs';
import { startGitHubStandIn } from '../test/emulators/github-standin/index.mjs';
import { startMoto } from '../test/emulators/moto/index.mjs';
import { localServersEnv, runAction } from '../test/emulators/action-runner.mjs';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
  },
});
const N = Number(values.users);
const TOKEN = 'ghs_benchToken0000000000000000000000';
const REPOS = ['api', 'web', 'worker', 'infra', 'data'];

/** Every 5th user also writes to an organization secret; the rest to one repository. */
function targetsOf(i) {
  const names = `access-key-id: U${i}_AWS_ACCESS_KEY_ID\n        secret-access-key: U${i}_AWS_SECRET_ACCESS_KEY`;
  const repo = `      - repository: octo/${REPOS[i % REPOS.length]}\n        ${names}`;
  const org = `      - organization: octo\n        visibility: private\n        ${names}`;
  return i % 5 === 0 ? `${repo}\n${org}` : repo;
}

const config = `users:\n${Array.from({ length: N }, (_, i) => `  - name: bench-${i}\n    targets:\n${targetsOf(i)}`).join('\n')}\n`;
const targetCount = Array.from({ length: N }, (_, i) => (i % 5 === 0 ? 2 : 1)).reduce(
  (a, b) => a + b,
  0,
);

// Preloaded into the action's process: records its peak resident memory on exit.
const hookDir = mkdtempSync(join(tmpdir(), 'bench-'));
const rssFile = join(hookDir, 'maxrss');
const hook = join(hookDir, 'rss-hook.cjs');
writeFileSync(
  hook,
  `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
);

const seed = {
  users: [
    { name: 'rotation-admin', keys: [{ status: 'Active', ageDays: 1 }] },
    ...Array.from({ length: N }, (_, i) => ({
      name: `bench-${i}`,
      keys: [{ status: 'Active', ageDays: 120 }],
    })),
  ],
};

console.log(`Seeding ${N} users into moto...`);
const moto = await startMoto({ seed, timeoutMs: 120_000 });
const proxy = await startAwsProxy({ target: moto.endpoint });
const github = await startGitHubStandIn({
  tokens: { [TOKEN]: 'write' },
  repositories: REPOS.map((repo, i) => ({ owner: 'octo', repo, id: 200 + i })),
  organizations: ['octo'],
});
try {
  const admin = moto.state.users['rotation-admin'][0];
  console.log(`Running the action (concurrency ${values.concurrency})...`);
  const started = performance.now();
  const run = await runAction({
    inputs: { 'github-token': TOKEN, config: 'bench.yml', concurrency: values.concurrency },
    files: { 'bench.yml': config },
    timeoutMs: 3 * 3600_000,
    env: {
      ...localServersEnv({
        awsUrl: proxy.url,
        githubUrl: github.url,
        key: admin,
        repository: 'octo/api',
      }),
      NODE_OPTIONS: `--require ${hook}`,
    },
  });
  const seconds = (performance.now() - started) / 1000;
  run.cleanup();
  const aws = proxy.countByAction();
  const gh = {};
  for (const r of github.requests) {
    const key = `${r.method} ${r.route}`;
    gh[key] = (gh[key] ?? 0) + 1;
  }
  const puts = github.requests.filter((r) => r.method === 'PUT').length;
  const publicKeys = github.requests.filter((r) => r.path.endsWith('/public-key')).length;
  const scopes = new Set(
    github.requests.filter((r) => r.path.endsWith('/public-key')).map((r) => r.path),
  ).size;
  const awsTotal = Object.values(aws).reduce((a, b) => a + b, 0);
  const minimumAws = 1 + N * 4; // run identity + list, create, verify, retire per user
  const minimumGitHub = 2 * targetCount + scopes;
  const maxRssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
  const result = {
    users: N,
    targets: targetCount,
    exitCode: run.code,
    rotated: Number(run.outputs.rotated),
    failed: Number(run.outputs.failed),
    wallSeconds: Number(seconds.toFixed(1)),
    msPerUser: Number(((seconds * 1000) / N).toFixed(1)),
    awsCalls: aws,
    awsCallsPerUser: Number((awsTotal / N).toFixed(3)),
    awsMinimum: minimumAws,
    githubCalls: gh,
    githubCallsPerUser: Number((github.requests.length / N).toFixed(3)),
    githubMinimum: minimumGitHub,
    secretWrites: puts,
    publicKeyReads: publicKeys,
    scopes,
    githubWritePacingFloorSeconds: puts, // the throttling plugin spaces writes 1 s apart
    peakRssMiB: Number(maxRssMiB.toFixed(1)),
    summaryBytes: Buffer.byteLength(run.summary),
  };
  console.log(JSON.stringify(result, null, 2));
  const atMinimum = awsTotal === minimumAws && github.requests.length === minimumGitHub;
  console.log(atMinimum ? 'Calls are at the minimum.' : 'Calls exceed the minimum.');
} finally {
  await github.close();
  await proxy.close();
  await moto.stop();
}
