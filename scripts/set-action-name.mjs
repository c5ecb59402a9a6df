// The action's GitHub home, as the README, docs/ and examples/ name it in `uses:` lines and
// links. Until the first release it is a placeholder. A release sets the real name with
//   node scripts/set-action-name.mjs octo/aws-key-rotation
// which replaces ACTION_NAME in every tracked text file, this line included, so the script can
// be run again later with another name. Tests read ACTION_NAME from here.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export const ACTION_NAME = 'owner/iam-key-rotation-action';

/** GitHub's rules for an owner (user or organization) and a repository name. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\/[A-Za-z0-9._-]{1,100}$/;

/** Replaces ACTION_NAME with `name` in the tracked text files under `root`; returns the changes. */
export function setActionName(root, name) {
  if (!NAME.test(name) || name.endsWith('.git')) {
    throw new Error(`"${name}" is not an owner/repository name`);
  }
  if (name === ACTION_NAME) return [];
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  const changed = [];
  for (const file of files) {
    let bytes;
    try {
      bytes = readFileSync(`${root}/${file}`);
    } catch {
      continue; // deleted in the work tree, or a submodule
    }
    if (bytes.includes(0)) continue; // binary
    const text = bytes.toString('utf8');
    const count = text.split(ACTION_NAME).length - 1;
    if (count === 0) continue;
    writeFileSync(`${root}/${file}`, text.split(ACTION_NAME).join(name));
    changed.push({ file, count });
  }
  return changed;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const name = process.argv[2];
  if (!name || process.argv.length > 3) {
    console.error('usage: node scripts/set-action-name.mjs <owner>/<repository>');
    process.exit(2);
  }
  const root = new URL('..', import.meta.url).pathname;
  try {
    const changed = setActionName(root, name);
    for (const { file, count } of changed) console.log(`${file}: ${count}`);
    console.log(
      changed.length === 0
        ? `Nothing to change: no file names ${ACTION_NAME}.`
        : `Replaced ${ACTION_NAME} with ${name} in ${changed.length} file(s). Review with "git diff", then run "npm test".`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
