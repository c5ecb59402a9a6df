// Makes the project-local .venv/ hold the AWS emulator moto, as pinned in
// test/emulators/moto/requirements.txt. Idempotent: when moto is already at the pinned version and
// the requirements have not changed since the last install, it only asks the venv's Python for
// moto's version (about 0.3 s). Prints one line; exits non-zero with a reason on failure.
// Needs only python3 (3.10 or newer, with the venv module) and access to PyPI.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const venv = join(root, '.venv');
const python = join(venv, 'bin', 'python');
const pip = join(venv, 'bin', 'pip');
const requirementsPath = join(root, 'test', 'emulators', 'moto', 'requirements.txt');
const stampPath = join(venv, '.moto-requirements.sha256');
const started = Date.now();

function fail(message) {
  console.error(`setup-moto: ${message}`);
  process.exit(1);
}

/** Runs a command; returns { ok, status, output } and never throws. */
function run(command, args, { quiet = true } = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'],
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.error) return { ok: false, status: null, output: result.error.message };
  return { ok: result.status === 0, status: result.status, output };
}

function installedMoto() {
  if (!existsSync(python)) return undefined;
  const result = run(python, ['-c', 'import moto; print(moto.__version__)']);
  return result.ok ? result.output.split('\n').pop() : undefined;
}

function createVenv() {
  const version = run('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
  if (!version.ok) fail(`python3 is needed to run moto and was not found: ${version.output}`);
  const [major, minor] = version.output.split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 10))
    fail(`moto needs Python 3.10 or newer; python3 is ${version.output}`);
  rmSync(venv, { recursive: true, force: true });
  const created = run('python3', ['-m', 'venv', venv]);
  if (!created.ok || !existsSync(pip)) {
    rmSync(venv, { recursive: true, force: true });
    fail(
      `"python3 -m venv .venv" failed: python3 lacks the venv module or ensurepip ` +
        `(on Debian or Ubuntu: apt-get install python3-venv).\n${created.output}`,
    );
  }
}

let requirements;
try {
  requirements = readFileSync(requirementsPath, 'utf8');
} catch (error) {
  fail(`cannot read ${relative(root, requirementsPath)}: ${error.message}`);
}
const pinned = /^moto(?:\[[\w,\s-]*\])?==(\S+)/m.exec(requirements)?.[1];
if (!pinned) fail(`${relative(root, requirementsPath)} pins no moto version (moto==X.Y.Z)`);
const digest = createHash('sha256').update(requirements).digest('hex');
const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : undefined;

const found = installedMoto();
if (found === pinned && stamp === digest) {
  console.log(`setup-moto: moto ${found} is ready in .venv/`);
  process.exit(0);
}

// A venv without a working Python or pip (a failed earlier run, a removed python3) is rebuilt.
const rebuilt = !existsSync(pip) || !run(python, ['-c', 'pass']).ok;
if (rebuilt) createVenv();
rmSync(stampPath, { force: true });
const install = run(
  pip,
  ['install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', requirementsPath],
  { quiet: false },
);
if (!install.ok)
  fail(
    `pip could not install ${relative(root, requirementsPath)} (exit ${install.status}); see above`,
  );
const now = installedMoto();
if (now !== pinned) fail(`moto ${pinned} was not installed (found ${now ?? 'none'})`);
writeFileSync(stampPath, `${digest}\n`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `setup-moto: installed moto ${now} into ${rebuilt ? 'a new ' : ''}.venv/ ` +
    `(was ${found ?? 'absent'}) in ${seconds} s`,
);
