// The newcomer's first command: the bundled action, end to end, against a local AWS emulator
// (moto) and a GitHub API stand-in, exactly as a runner starts it. Changes nothing outside /tmp.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction } from '../test/emulators/action-runner.mjs';
import { DEMO_CONFIG, DEMO_NOTIFY, DEMO_TOKEN, startDemoWorld } from './demo-world.mjs';

function printTable(report) {
  const rows = report.map((r) => [
    r.outcome,
    r.user,
    r.oldKeyId ? `${r.oldKeyId} (${r.oldKeyAgeDays} d)` : '-',
    r.pending ??
      (r.deactivatedKeyIds.length ? `deactivated ${r.deactivatedKeyIds.join(', ')}` : '-'),
    r.newKeyId ?? '-',
    r.targets.length === 0
      ? '-'
      : `${r.targets.filter((t) => t.state === 'written').length}/${r.targets.length}`,
  ]);
  const header = ['outcome', 'user', 'old key (age)', 'old key next', 'new key', 'targets written'];
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

/** One run of the action as a runner starts it, its log streamed; returns it with its report. */
async function runOnce(world, title) {
  console.log(`\n=== ${title} ===\n`);
  console.log('--- action log ---');
  const run = await runAction({
    inputs: { 'github-token': DEMO_TOKEN, config: 'rotation.yml', ...DEMO_NOTIFY },
    files: { 'rotation.yml': DEMO_CONFIG },
    env: world.env,
    onOutput: streamLog(),
  });
  const reportFile = run.outputs['report-file'];
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  console.log('\n--- job summary (Markdown, as GitHub renders it on the run page) ---');
  console.log(run.summary.trimEnd());
  console.log('\n--- result ---');
  printTable(report);
  const counts = ['rotated', 'failed', 'deferred'].map((o) => `${o}: ${run.outputs[o]}`);
  console.log(`\n${counts.join(', ')}, exit code: ${run.code}`);
  console.log(`IAM/STS calls: ${JSON.stringify(world.proxy.countByAction())}`);
  console.log(
    `GitHub calls: ${world.github.requests.length}, secrets now held: ${world.github.listSecrets().length}`,
  );
  console.log(`Job summary (Markdown): ${join(run.workdir, 'summary.md')}`);
  console.log(`Full report (JSON):     ${reportFile}`);
  return run;
}

/** The token, every seeded secret key and every secret key that reached GitHub, one a line. */
function secretsOf(world) {
  const seeded = Object.values(world.moto.state.users)
    .flat()
    .map((key) => key.secretAccessKey);
  const written = world.github.listSecrets().map((secret) => secret.value);
  const ids = new Set(
    Object.values(world.moto.state.users)
      .flat()
      .map((k) => k.accessKeyId),
  );
  return [DEMO_TOKEN, ...seeded, ...written.filter((v) => !/^AKIA/.test(v) && !ids.has(v))].join(
    '\n',
  );
}

/** What the people were told: the emails moto's SES accepted, and the tracking issue. */
async function printNotifications(world, emailsSeen) {
  const emails = await world.moto.sentEmails();
  for (const email of emails.slice(emailsSeen)) {
    console.log(`\n--- email to ${email.to.join(', ')} (text part) ---`);
    console.log(`Subject: ${email.subject}\n`);
    console.log(email.text.trimEnd());
  }
  if (emails.length === emailsSeen) console.log('\n--- no email: nothing needs attention ---');
  for (const issue of world.github.listIssues()) {
    console.log(`\n--- issue #${issue.number} (${issue.state}): ${issue.title} ---`);
    console.log(issue.body.trimEnd());
    for (const comment of issue.comments) console.log(`\n> comment: ${comment.body}`);
  }
  return emails.length;
}

async function main() {
  console.log('Starting moto (IAM/STS/SES emulator) and the GitHub API stand-in...');
  const world = await startDemoWorld();
  try {
    await runOnce(world, 'Run 1: rotate the stale keys (dist/index.js on Node 24)');
    const emails = await printNotifications(world, 0);
    const key = await world.deactivateUnusedKey();
    console.log(`\nA person deactivates ${key}, the key of legacy-etl that nothing uses any more.`);
    // A day later: runs queued before the switch are long done, the old keys went unused.
    await world.passTime(30);
    world.proxy.reset();
    world.github.reset();
    const second = await runOnce(
      world,
      'Run 2, a day later: retire the old keys; legacy-etl rotates',
    );
    await printNotifications(world, emails);
    // The demo ends as the second run ends: healthy, and the issue closed.
    process.exitCode = second.code ?? 1;
    // For the demo's test: every secret this demo knows, so it can prove none was printed.
    if (process.env.DEMO_SECRETS_FILE)
      writeFileSync(process.env.DEMO_SECRETS_FILE, secretsOf(world));
  } finally {
    await world.stop();
  }
}

await main();
