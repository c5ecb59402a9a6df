/**
 * The README's first command works: the demo runs the action end to end, rotates, retires the
 * old keys a day later, and prints no secret anywhere (the demo lists every secret it knows).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../emulators/action-runner.mjs';

describe('npm run demo', () => {
  it('rotates, tells people about the user that needs one, retires the old keys later, and leaks nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-test-'));
    const secretsFile = join(dir, 'secrets.txt');
    const demo = spawnSync(process.execPath, ['scripts/demo.mjs'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, DEMO_SECRETS_FILE: secretsFile },
    });
    expect(demo.status).toBe(0);
    // Run 1: two rotated, one fresh, one that needs a person, who is told.
    expect(demo.stdout).toMatch(/rotated: 2, failed: 1, deferred: 0, exit code: 1/);
    expect(demo.stdout).toMatch(/^fresh\s+reporting/m);
    expect(demo.stdout).toMatch(
      /--- email to ops@example.com \(text part\) ---\nSubject: .*needs attention/,
    );
    expect(demo.stdout).toMatch(/- Failed: legacy-etl: two active keys/);
    expect(demo.stdout).toMatch(
      /--- issue #1 \(open\): AWS access key rotation needs attention ---/,
    );
    // Run 2, a day later: the old keys retired, the fixed user rotated, the issue closed.
    expect(demo.stdout).toMatch(/rotated: 1, failed: 0, deferred: 0, exit code: 0/);
    expect(demo.stdout).toMatch(/^retired\s+ci-deploy/m);
    expect(demo.stdout).toMatch(/^retired\s+data-sync/m);
    expect(demo.stdout).toMatch(/^rotated\s+legacy-etl/m);
    expect(demo.stdout).toMatch(/--- issue #1 \(closed\)/);
    expect(demo.stdout).toContain('## AWS access key rotation');
    // Nothing the runner would hide reaches the screen: no add-mask line, no secret.
    expect(demo.stdout).not.toContain('::add-mask::');
    const secrets = readFileSync(secretsFile, 'utf8').split('\n').filter(Boolean);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const secret of secrets) {
      expect(demo.stdout.includes(secret) || demo.stderr.includes(secret)).toBe(false);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
