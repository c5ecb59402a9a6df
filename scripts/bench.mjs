// Benchmark: one run of the bundled action against moto and the GitHub stand-in (which enforces
// GitHub's 80-a-minute and 500-an-hour content limits), with N users. Prints wall time, AWS and
// GitHub calls by operation and per user, secret writes, deferred users, secondary-limit hits and
// peak memory, as JSON.
//
//   node scripts/bench.mjs [--scenario rotate|nothing-due|budgeted|audit] [--users 200]
//                          [--concurrency 4] [--max-writes 400]
//
//   rotate       every user has a stale key and one target (every fifth also an organization
//                secret): the cost of rotating, and the write pace
//   nothing-due  every user's key is young: the cost of a run with nothing to do
//   budgeted     every user is due, more writes than max-writes-per-run: the deferral
//   audit        N users in the account, 2 of them configured (too few for the credential report
//                fast path), `audit: report`: what the audit adds. Seeded keys were never used,
//                so every user older than a day is listed; every tenth is also 120 days old
//
// ACTION_ENTRY=<path to another dist/index.js> measures another build the same way.
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
    scenario: { type: 'string', default: 'rotate' },
    users: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    'max-writes': { type: 'string', default: '400' },
  },
});
const SCENARIO = values.scenario;
if (!['rotate', 'nothing-due', 'budgeted', 'audit'].includes(SCENARIO)) {
  throw new Error(`unknown scenario ${SCENARIO}`);
}
const N = Number(values.users);
const TOKEN = 'ghs_benchToken0000000000000000000000';
const REPOS = ['api', 'web', 'worker', 'infra', 'data'];

/** Every 5th user also writes to an organization secret; the rest to one repository. */
function targetsOf(i) {
  const names = `access-key-id: U${i}_AWS_ACCESS_KEY_ID\n        secret-access-key: U${i}_AWS_SECRET_ACCESS_KEY`;
  const repo = `      - repository: octo/${REPOS[i % REPOS.length]}\n        ${names}`;
  const org = `      - organization: octo\n        visibility: private\n        ${names}`;
  return i % 5 === 0 && SCENARIO === 'rotate' ? `${repo}\n${org}` : repo;
}

const CONFIGURED = SCENARIO === 'audit' ? Math.min(N, 2) : N;
const config = `users:\n${Array.from({ length: CONFIGURED }, (_, i) => `  - name: bench-${i}\n    targets:\n${targetsOf(i)}`).join('\n')}\n`;
const targetCount = config.split('\n').filter((line) => line.startsWith('      - ')).length;

// Preloaded into the action's process: records its peak resident memory on exit.
const hookDir = mkdtempSync(join(tmpdir(), 'bench-'));
const rssFile = join(hookDir, 'maxrss');
const hook = join(hookDir, 'rss-hook.cjs');
writeFileSync(
  hook,
  `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
);

const ageDays = SCENARIO === 'nothing-due' || SCENARIO === 'audit' ? 10 : 120;
/** In the audit scenario, every tenth user (none of the configured two) has a stale key. */
const ageOf = (i) =>
  SCENARIO === 'audit' && i >= CONFIGURED && i % 10 === 0 ? 120 : ageDays + (i % 30);
const seed = {
  users: [
    { name: 'rotation-admin', keys: [{ status: 'Active', ageDays: 1 }] },
    ...Array.from({ length: N }, (_, i) => ({
      name: `bench-${i}`,
      // Ages spread over a month, so "oldest first" has something to order.
      keys: [{ status: 'Active', ageDays: ageOf(i) }],
    })),
  ],
};

const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

console.error(`Seeding ${N} users into moto (${SCENARIO})...`);
const moto = await startMoto({ seed, timeoutMs: 300_000 });
const proxy = await startAwsProxy({ target: moto.endpoint });
const github = await startGitHubStandIn({
  tokens: { [TOKEN]: 'write' },
  repositories: REPOS.map((repo, i) => ({ owner: 'octo', repo, id: 200 + i })),
  organizations: ['octo'],
});
try {
  const admin = moto.state.users['rotation-admin'][0];
  console.error(`Running the action (concurrency ${values.concurrency})...`);
  const started = performance.now();
  const run = await runAction({
    inputs: {
      'github-token': TOKEN,
      config: 'bench.yml',
      concurrency: values.concurrency,
      'max-writes-per-run': values['max-writes'],
      ...(SCENARIO === 'audit' ? { audit: 'report' } : {}),
    },
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
  const gh = github.countByRoute();
  const writes = github.requests.filter((r) => r.method === 'PUT').length;
  const result = {
    scenario: SCENARIO,
    build: process.env.ACTION_ENTRY ?? 'dist/index.js',
    users: N,
    targets: targetCount,
    exitCode: run.code,
    rotated: Number(run.outputs.rotated),
    deferred: Number(run.outputs.deferred ?? 0),
    failed: Number(run.outputs.failed),
    wallSeconds: Number(seconds.toFixed(1)),
    awsCalls: aws,
    awsCallsTotal: sum(aws),
    awsCallsPerUser: Number((sum(aws) / N).toFixed(3)),
    githubCalls: gh,
    githubCallsTotal: github.requests.length,
    secretWrites: writes,
    secondaryLimitHits: github.secondaryLimitHits?.() ?? 0,
    peakRssMiB: Number((Number(readFileSync(rssFile, 'utf8')) / 1024).toFixed(1)),
    summaryBytes: Buffer.byteLength(run.summary),
    ...(SCENARIO === 'audit' ? { auditEntries: JSON.parse(run.outputs.audit ?? '[]').length } : {}),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await github.close();
  await proxy.close();
  await moto.stop();
}
