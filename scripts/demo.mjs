// The newcomer's first command: the bundled action, end to end, against a local AWS emulator
// (moto) and a GitHub API stand-in, exactly as a runner starts it. Changes nothing outside /tmp.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAwsProxy } from '../test/support/aws-proxy.mjs';
import { startGitHubStandIn } from '../test/support/github-standin.mjs';
import { startMoto } from '../test/support/moto.mjs';
import { localServersEnv, runAction } from '../test/support/run-action.mjs';

const TOKEN = 'ghs_demoToken000000000000000000000000';

const CONFIG = `# Three users; see examples/rotation-config.yml for every option.
users:
  - name: ci-deploy            # a 120-day-old key: rotated
    targets:
      - repository: octo/app
      - repository: octo/app
        environment: production
        access-key-id: PROD_AWS_ACCESS_KEY_ID
        secret-access-key: PROD_AWS_SECRET_ACCESS_KEY
      - organization: octo
        visibility: selected
        repositories: [app, infra]
  - name: reporting            # a 10-day-old key: left alone
    targets:
      - repository: octo/infra
  - name: data-sync            # a stale key plus an inactive one: room is made first
    targets:
      - repository: octo/infra
        kind: dependabot
`;

const seed = {
  users: [
    { name: 'rotation-admin', keys: [{ status: 'Active', ageDays: 1 }] },
    { name: 'ci-deploy', keys: [{ status: 'Active', ageDays: 120, lastUsedDaysAgo: 1 }] },
    { name: 'reporting', keys: [{ status: 'Active', ageDays: 10 }] },
    {
      name: 'data-sync',
      keys: [
        { status: 'Active', ageDays: 95, lastUsedDaysAgo: 2 },
        { status: 'Inactive', ageDays: 30, lastUsedDaysAgo: 3 },
      ],
    },
  ],
};

function printTable(report) {
  const rows = report.map((r) => [
    r.outcome,
    r.user,
    r.oldKeyId ? `${r.oldKeyId} (${r.oldKeyAgeDays} d)` : '-',
    r.newKeyId ?? '-',
    r.outcome === 'fresh'
      ? '-'
      : `${r.targets.filter((t) => t.state === 'written').length}/${r.targets.length}`,
  ]);
  const header = ['outcome', 'user', 'old key (age)', 'new key', 'targets written'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main() {
  console.log('Starting moto (IAM/STS emulator) and the GitHub API stand-in...');
  const moto = await startMoto({ seed });
  const proxy = await startAwsProxy({ target: moto.endpoint });
  const github = await startGitHubStandIn({
    tokens: { [TOKEN]: 'write' },
    repositories: [
      { owner: 'octo', repo: 'app', id: 101, environments: ['production'] },
      { owner: 'octo', repo: 'infra', id: 102 },
    ],
    organizations: ['octo'],
  });
  try {
    const admin = moto.state.users['rotation-admin'][0];
    console.log('Running dist/index.js as a runner would (config: rotation.yml)...\n');
    const run = await runAction({
      inputs: { 'github-token': TOKEN, config: 'rotation.yml' },
      files: { 'rotation.yml': CONFIG },
      env: localServersEnv({ awsUrl: proxy.url, githubUrl: github.url, key: admin }),
    });
    console.log('--- action log ---');
    console.log(run.stdout.replace(/^::add-mask::.*$/gm, '::add-mask::***').trimEnd());
    console.log('\n--- job summary (Markdown, as GitHub renders it on the run page) ---');
    console.log(run.summary.trimEnd());
    console.log('\n--- result ---');
    printTable(JSON.parse(run.outputs.report ?? '[]'));
    console.log(
      `\nrotated: ${run.outputs.rotated}, failed: ${run.outputs.failed}, exit code: ${run.code}`,
    );
    console.log(`IAM/STS calls: ${JSON.stringify(proxy.countByAction())}`);
    console.log(
      `GitHub calls: ${github.requests.length}, secrets now held: ${github.listSecrets().length}`,
    );
    const summaryFile = join(run.workdir, 'summary.md');
    writeFileSync(join(run.workdir, 'report.json'), run.outputs.report ?? '[]');
    console.log(`\nJob summary (Markdown): ${summaryFile}`);
    console.log(`Report output (JSON):   ${join(run.workdir, 'report.json')}`);
    process.exitCode = run.code ?? 1;
  } finally {
    await github.close();
    await proxy.close();
    await moto.stop();
  }
}

await main();
