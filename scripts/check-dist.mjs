// Fails when the committed dist/ differs from a fresh build of src/.
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const fresh = mkdtempSync(join(tmpdir(), 'dist-check-'));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

try {
  // Build with the very command "npm run bundle" uses, into a temporary folder.
  const bundle = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.bundle;
  const command = bundle.replace(/^ncc /, 'npx ncc ').replace(/-o dist\b/, `-o ${fresh}`);
  execSync(command, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const committed = join(root, 'dist');
  const names = new Set(
    [...files(fresh), ...files(committed)].map((path) =>
      relative(path.startsWith(fresh) ? fresh : committed, path),
    ),
  );
  const differing = [...names].filter((name) => {
    try {
      return !readFileSync(join(fresh, name)).equals(readFileSync(join(committed, name)));
    } catch {
      return true;
    }
  });
  if (differing.length > 0) {
    console.error(
      `dist/ is out of date (${differing.join(', ')}): run "npm run bundle" and commit.`,
    );
    process.exit(1);
  }
  console.log(`dist/ matches a fresh build (${names.size} files).`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
