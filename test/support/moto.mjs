// Starts moto (IAM and STS) from the project's .venv/, seeded through moto_launcher.py.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const python = join(root, '.venv/bin/python');
const launcher = join(root, 'test/support/moto_launcher.py');

/** A free loopback port, found by letting the kernel pick one. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {{ seed: { accountId?: string, users: object[] }, env?: Record<string,string>,
 *   timeoutMs?: number }} options see moto_launcher.py for the seed's shape
 * @returns {Promise<{ endpoint: string, state: { endpoint: string, users: Record<string,
 *   { accessKeyId: string, secretAccessKey: string, status: string, createDate: string }[]> },
 *   backdateKey: (accessKeyId: string, minutes: number) => Promise<void>,
 *   stop: () => Promise<void> }>}
 */
export async function startMoto({ seed, env = {}, timeoutMs = 30_000 }) {
  if (!existsSync(python))
    throw new Error('moto is not installed: run "node scripts/setup-moto.mjs"');
  const dir = mkdtempSync(join(tmpdir(), 'moto-'));
  const seedPath = join(dir, 'seed.json');
  const statePath = join(dir, 'state.json');
  writeFileSync(seedPath, JSON.stringify(seed));
  const port = await freePort();
  const child = spawn(
    python,
    [launcher, '--port', String(port), '--seed', seedPath, '--out', statePath],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    // moto logs every request to stderr; keep only the tail for error messages.
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(statePath)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`moto did not start (exit ${child.exitCode}):\n${stderr}`);
    }
    await sleep(50);
  }
  const state = JSON.parse(readFileSync(statePath, 'utf8'));
  return {
    endpoint: state.endpoint,
    state,
    /** Moves a key's CreateDate back by `minutes`, as if that much time had passed. */
    async backdateKey(accessKeyId, minutes) {
      const response = await fetch(`${state.control}/backdate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKeyId, minutes }),
      });
      if (response.status !== 204) throw new Error(`no key ${accessKeyId} to back-date`);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
