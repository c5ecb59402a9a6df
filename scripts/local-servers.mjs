// `npm run local`: starts the demo's local IAM emulator (moto) and GitHub API stand-in, writes
// the demo config, and prints the variables that point a run at them, for @github/local-action:
//   npm run local            (leave it running)
//   npx @github/local-action run . src/main.ts .env      (in another terminal, with those lines)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CONFIG, DEMO_NOTIFY, DEMO_TOKEN, startDemoWorld } from './demo-world.mjs';

const root = new URL('..', import.meta.url).pathname;
const world = await startDemoWorld();
mkdirSync(join(root, '.tmp'), { recursive: true });
const configPath = join(root, '.tmp', 'local-rotation.yml');
writeFileSync(configPath, DEMO_CONFIG);
const lines = {
  ...world.env,
  AWS_REGION: 'us-east-1',
  'INPUT_GITHUB-TOKEN': DEMO_TOKEN,
  INPUT_CONFIG: configPath,
  ...Object.fromEntries(
    Object.entries(DEMO_NOTIFY).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  ),
  GITHUB_STEP_SUMMARY: join(root, '.tmp', 'local-summary.md'),
};
console.log('The local servers are up. Put these lines in .env (they replace its AWS/GitHub');
console.log('settings), then run: npx @github/local-action run . src/main.ts .env\n');
for (const [name, value] of Object.entries(lines)) console.log(`${name}=${value}`);
console.log('\nCtrl-C stops the servers (the emulator forgets everything).');
const stop = async () => {
  await world.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
