/** The README's first command works: the demo runs the action end to end and succeeds. */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../emulators/action-runner.mjs';

describe('npm run demo', () => {
  it('rotates the stale users, leaves the fresh one, and prints the summary', () => {
    const demo = spawnSync(process.execPath, ['scripts/demo.mjs'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/rotated: 2, failed: 0, exit code: 0/);
    expect(demo.stdout).toMatch(/^fresh\s+reporting/m);
    expect(demo.stdout).toContain('## AWS access key rotation');
    expect(demo.stdout).not.toMatch(/::add-mask::(?!\*\*\*)/);
  });
});
