// The newcomer's first command: the bundled action, end to end, against a local AWS emulator
// (moto) and a GitHub API stand-in, exactly as a runner starts it. Changes nothing outside /tmp.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction } from '../test/emulators/action-runner.mjs';
import { DEMO_CONFIG, DEMO_TOKEN, startDemoWorld } from './demo-world.mjs';

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

/** Prints the action's log as it arrives, line by line, as a runner shows it. */
function streamLog() {
  let pending = '';
  return (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // A runner consumes its workflow commands: ::add-mask:: lines are never shown.
      if (!line.startsWith('::add-mask::')) process.stdout.write(`${line}\n`);
    }
  };
}

async function main() {
  console.log('Starting moto (IAM/STS emulator) and the GitHub API stand-in...');
  const world = await startDemoWorld();
  const { proxy, github } = world;
  try {
    console.log('Running dist/index.js on Node 24 as a runner would (config: rotation.yml)...\n');
    console.log('--- action log ---');
    const run = await runAction({
      inputs: { 'github-token': DEMO_TOKEN, config: 'rotation.yml' },
      files: { 'rotation.yml': DEMO_CONFIG },
      env: world.env,
      onOutput: streamLog(),
    });
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
    await world.stop();
  }
}

await main();
