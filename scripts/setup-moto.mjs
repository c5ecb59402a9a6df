// Installs the AWS emulator (moto, pinned) into the project-local .venv/ when it is missing
// or at another version. Idempotent: a second run only asks the venv's Python for the version.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const venv = join(root, '.venv');
const python = join(venv, 'bin', 'python');
const requirements = join(root, 'test/support/requirements.txt');
const constraints = join(root, 'test/support/constraints.txt');
const pinned = /moto\[server\]==([\w.]+)/.exec(readFileSync(requirements, 'utf8'))?.[1];

function installedVersion() {
  if (!existsSync(python)) return undefined;
  try {
    return execFileSync(python, ['-c', 'import moto; print(moto.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

const found = installedVersion();
if (found === pinned) {
  console.log(`moto ${found} is ready in .venv/`);
} else {
  console.log(`Installing moto ${pinned} into .venv/ (found: ${found ?? 'none'})...`);
  try {
    if (!existsSync(python)) run('python3', ['-m', 'venv', venv]);
    run(join(venv, 'bin', 'pip'), ['install', '--quiet', '-r', requirements, '-c', constraints]);
  } catch (error) {
    console.error(
      `Could not install moto: ${error.message}\n` +
        'It needs Python 3 with the venv module (on Debian: apt-get install python3-venv).',
    );
    process.exit(1);
  }
  const now = installedVersion();
  if (now !== pinned) {
    console.error(`moto ${pinned} was not installed (found ${now ?? 'none'}).`);
    process.exit(1);
  }
  console.log(`moto ${now} installed in .venv/`);
}
