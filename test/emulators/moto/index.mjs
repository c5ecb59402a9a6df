// Starts moto (IAM, STS and SES v2) from the project's .venv/, seeded through launcher.py.
// Plain ESM so that jest's TypeScript tests and node scripts (demo, bench) share it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const python = join(root, '.venv', 'bin', 'python');
const launcher = join(root, 'test', 'emulators', 'moto', 'launcher.py');

/**
 * @typedef {object} SeedKey
 * @property {string} [status] `Active` (default) or `Inactive`
 * @property {number} ageDays the key's CreateDate is this many days ago (fractions allowed)
 * @property {number} [lastUsedDaysAgo] GetAccessKeyLastUsed's LastUsedDate is this many days
 *   ago; absent: never used. moto moves it to now whenever the key signs a request.
 *
 * @typedef {object} SeedUser
 * @property {string} name
 * @property {string} [path] IAM path, `/` by default
 * @property {SeedKey[]} [keys] at most two: moto enforces IAM's limit
 * @property {Record<string, unknown>} [inlinePolicies] policy name -> policy document (an
 *   object); enforced only when INITIAL_NO_AUTH_ACTION_COUNT is set in `env`
 *
 * @typedef {object} SeedRole
 * @property {string} name
 * @property {string} [path] IAM path, `/` by default
 * @property {Record<string, unknown>} trustPolicy the assume-role policy document; with auth
 *   enforced, AssumeRole checks its Principal and Condition as AWS does (launcher.py)
 * @property {Record<string, unknown>} [inlinePolicies] policy name -> document: what the
 *   role's temporary credentials may do when auth is enforced
 *
 * @typedef {object} SeedAccount another AWS account served by the same moto
 * @property {string} accountId 12 digits
 * @property {SeedUser[]} [users]
 * @property {SeedRole[]} [roles]
 *
 * @typedef {object} Seed
 * @property {string} [accountId] the default account, `123456789012` unless given: it holds
 *   the top-level users, roles and SES identities, and serves unsigned requests
 * @property {SeedUser[]} users
 * @property {SeedRole[]} [roles] roles of the default account
 * @property {SeedAccount[]} [accounts] further accounts
 * @property {string[]} [sesIdentities] verified SES identities (email addresses or domains)
 *   of the default account in us-east-1
 *
 * @typedef {object} SeededKey
 * @property {string} accessKeyId
 * @property {string} secretAccessKey
 * @property {string} status
 * @property {string} createDate ISO 8601, whole seconds, e.g. `2026-08-01T07:38:24Z`
 *
 * @typedef {object} SeededAccount
 * @property {Record<string, SeededKey[]>} users seeded keys by user name, in seed order
 * @property {Record<string, string>} roles role ARN by role name
 *
 * @typedef {object} MotoState what launcher.py wrote once the server accepted connections
 * @property {string} endpoint `http://127.0.0.1:PORT`, for IAM, STS and SES v2 alike
 * @property {string} control the launcher's test-only control server
 * @property {string} accountId the default account
 * @property {Record<string, SeededKey[]>} users the default account's seeded keys by user
 *   name, in seed order
 * @property {Record<string, string>} roles the default account's role ARNs by role name
 * @property {Record<string, SeededAccount>} accounts the other seeded accounts by account id
 *
 * @typedef {object} SentEmail a message moto accepted through SES (`GET /emails`)
 * @property {string} from
 * @property {string[]} to
 * @property {string[]} cc
 * @property {string[]} bcc
 * @property {string | null} subject
 * @property {string | null} text the text body; null when there was none
 * @property {string | null} html the HTML body; null when there was none
 *
 * @typedef {object} LastUse where a key was last used (`GetAccessKeyLastUsed`)
 * @property {string} [service] `iam` unless given
 * @property {string} [region] `us-east-1` unless given
 *
 * @typedef {object} Moto
 * @property {string} endpoint same as `state.endpoint`
 * @property {MotoState} state
 * @property {(accessKeyId: string, minutes: number) => Promise<void>} backdateKey moves a
 *   key's CreateDate back by `minutes`, as if that much time had passed
 * @property {(accessKeyId: string, minutesAgo: number | null, where?: LastUse) => Promise<void>}
 *   setLastUsed sets a key's last use `minutesAgo` minutes ago, or clears it (never used)
 *   with null. moto moves it to now again whenever the key signs a request.
 * @property {(minutes: number, accountId?: string) => Promise<void>} ageCredentialReport moves
 *   the credential report back by `minutes`, its generation time and every date in it, as
 *   time passing would (pair it with backdateKey); rejects when the account has no report
 * @property {() => Promise<SentEmail[]>} sentEmails every message sent through SES
 * @property {() => Promise<void>} stop ends moto and waits for it; safe to call twice
 */

/**
 * A free loopback port, found by letting the kernel pick one. Another process may take it
 * before it is used: prefer letting the server itself listen on port 0.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once something accepts TCP connections at `endpoint`; rejects otherwise. */
function probe(endpoint) {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setTimeout(2000, () => socket.destroy(new Error(`no answer from ${endpoint}`)));
    socket.once('connect', () => socket.end(resolve));
    socket.once('error', reject);
  });
}

/**
 * Starts a seeded moto server (IAM, STS and SES v2) on 127.0.0.1 and waits until it answers.
 *
 * The launcher listens on a port the kernel picks (no race with other servers), unless
 * `port` is given. moto's auth checks are off unless `env.INITIAL_NO_AUTH_ACTION_COUNT` is
 * set (see launcher.py). The process ends with its parent, so a crashed test run
 * leaves no server behind.
 *
 * @param {object} options
 * @param {Seed} options.seed users, back-dated keys, roles, accounts and SES identities to
 *   create before serving
 * @param {Record<string, string>} [options.env] extra environment for moto
 * @param {number} [options.port] a fixed port; 0 (default) lets the kernel pick
 * @param {number} [options.timeoutMs] how long to wait for moto to start (30 s)
 * @returns {Promise<Moto>}
 */
export async function startMoto({ seed, env = {}, port = 0, timeoutMs = 30_000 }) {
  if (!existsSync(python))
    throw new Error('moto is not installed in .venv/: run "node scripts/setup-moto.mjs"');
  const dir = mkdtempSync(join(tmpdir(), 'moto-'));
  const seedPath = join(dir, 'seed.json');
  const statePath = join(dir, 'state.json');
  writeFileSync(seedPath, JSON.stringify(seed));
  const child = spawn(
    python,
    [launcher, '--port', String(port), '--seed', seedPath, '--out', statePath],
    {
      // No __pycache__/ beside launcher.py's modules in the work tree.
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    // moto logs every request to stderr: keep only the tail, for error messages.
    stderr = (stderr + chunk).slice(-6000);
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  let stopped = false;

  async function stop() {
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const deadline = Date.now() + timeoutMs;
  /** @type {MotoState | undefined} */
  let state;
  let lastError = '';
  while (state === undefined) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await exited; // all of stderr has arrived
      await stop();
      throw new Error(
        `moto exited (${child.exitCode ?? child.signalCode}) before serving:\n${stderr}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto did not start within ${timeoutMs} ms${lastError ? ` (${lastError})` : ''}; ` +
          `its stderr:\n${stderr}`,
      );
    }
    if (existsSync(statePath)) {
      const candidate = JSON.parse(readFileSync(statePath, 'utf8'));
      try {
        await probe(candidate.endpoint);
        state = candidate;
      } catch (error) {
        lastError = String(error);
      }
    }
    if (state === undefined) await sleep(25);
  }

  const control = state.control;
  /** POSTs to the control server; rejects with `missing` unless it answers 204. */
  async function post(path, body, missing) {
    const response = await fetch(`${control}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 204) throw new Error(missing);
  }

  return {
    endpoint: state.endpoint,
    state,
    backdateKey: (accessKeyId, minutes) =>
      post('/backdate', { accessKeyId, minutes }, `no key ${accessKeyId} to back-date`),
    setLastUsed: (accessKeyId, minutesAgo, where = {}) =>
      post(
        '/last-used',
        { accessKeyId, minutesAgo, service: where.service, region: where.region },
        `no key ${accessKeyId} to mark used`,
      ),
    ageCredentialReport: (minutes, accountId) =>
      post(
        '/credential-report/age',
        { minutes, accountId },
        `no credential report in account ${accountId ?? state.accountId} to age`,
      ),
    async sentEmails() {
      const response = await fetch(`${control}/emails`);
      if (!response.ok) throw new Error(`moto control: GET /emails answered ${response.status}`);
      return /** @type {SentEmail[]} */ (await response.json());
    },
    stop,
  };
}
