// Writes the generated blocks of the documentation between their marker comments
// (<!-- name:start --> ... <!-- name:end -->), in whichever of README.md, CONTRIBUTING.md and
// docs/*.md holds them:
//   inputs, outputs     the tables of action.yml's inputs and outputs (README.md)
//   iam-policy          examples/iam-policy.json, the policy the tests prove (docs/aws-credentials.md)
//   scheduled-workflow  examples/rotate-aws-keys.yml (docs/scheduled-workflow.md)
// Each block must be in exactly one file. `--check` fails instead of writing when a file is out of
// date (run by the tests).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();

export function inputsTable(action) {
  const rows = Object.entries(action.inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.default === undefined ? '—' : `\`${cell(input.default)}\``} | ${cell(input.description)} |`,
  );
  return ['| input | default | description |', '| --- | --- | --- |', ...rows].join('\n');
}

export function outputsTable(action) {
  const rows = Object.entries(action.outputs).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  );
  return ['| output | description |', '| --- | --- |', ...rows].join('\n');
}

/** A file without the comment lines (and blank lines) it starts with. */
const withoutLeadingComments = (text) => text.replace(/^(?:[ \t]*(?:#.*)?\r?\n)*/, '');

/**
 * Every generated block, by marker name, from action.yml and the files in examples/: each JSON
 * policy there is a block named after its file (examples/iam-policy.json -> iam-policy).
 */
export function generatedBlocks(action, policies, workflow) {
  const json = Object.fromEntries(
    Object.entries(policies).map(([name, text]) => [name, '```json\n' + text.trim() + '\n```']),
  );
  return {
    inputs: inputsTable(action),
    outputs: outputsTable(action),
    ...json,
    'scheduled-workflow': '```yaml\n' + withoutLeadingComments(workflow).trim() + '\n```',
  };
}

/** examples/*.json by name, e.g. { 'iam-policy': '{...}' }. */
function examplePolicies() {
  return Object.fromEntries(
    readdirSync(`${root}/examples`)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => [
        name.replace(/\.json$/, ''),
        readFileSync(`${root}/examples/${name}`, 'utf8'),
      ]),
  );
}

/**
 * Replaces the content between the markers that `text` holds with the block of that name.
 * Returns the new text and the names of the markers it held.
 */
export function renderMarkers(text, blocks, file = 'the file') {
  const found = [];
  let rendered = text;
  for (const [marker, block] of Object.entries(blocks)) {
    const start = `<!-- ${marker}:start -->`;
    const end = `<!-- ${marker}:end -->`;
    const starts = rendered.split(start).length - 1;
    const ends = rendered.split(end).length - 1;
    if (starts === 0 && ends === 0) continue;
    if (starts !== 1 || ends !== 1 || rendered.indexOf(start) > rendered.indexOf(end)) {
      throw new Error(`${file} must hold "${start}" once, followed by "${end}" once`);
    }
    const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
    rendered = rendered.replace(pattern, () => `${start}\n\n${block}\n\n${end}`);
    found.push(marker);
  }
  return { text: rendered, found };
}

/** The markdown files that may hold generated blocks, relative to the repository root. */
export function markdownFiles(dir = root) {
  const docs = existsSync(`${dir}/docs`)
    ? readdirSync(`${dir}/docs`)
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => `docs/${name}`)
    : [];
  return ['README.md', 'CONTRIBUTING.md', ...docs].filter((file) => existsSync(`${dir}/${file}`));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const action = parse(readFileSync(`${root}/action.yml`, 'utf8'));
  const blocks = generatedBlocks(
    action,
    examplePolicies(),
    readFileSync(`${root}/examples/rotate-aws-keys.yml`, 'utf8'),
  );
  const holders = new Map(Object.keys(blocks).map((marker) => [marker, []]));
  const stale = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(`${root}/${file}`, 'utf8');
    const { text: withBlocks, found } = renderMarkers(text, blocks, file);
    if (found.length === 0) continue;
    for (const marker of found) holders.get(marker).push(file);
    // Formatted as Prettier would, so `prettier --check` and this script agree.
    const options = await prettier.resolveConfig(`${root}/${file}`);
    const rendered = await prettier.format(withBlocks, { ...options, parser: 'markdown' });
    if (rendered === text) continue;
    if (check) stale.push(file);
    else writeFileSync(`${root}/${file}`, rendered);
  }
  const misplaced = [...holders].filter(([, files]) => files.length !== 1);
  for (const [marker, files] of misplaced) {
    console.error(
      `The "${marker}" markers are in ${files.length === 0 ? 'no file' : files.join(' and ')}; they belong in exactly one.`,
    );
  }
  for (const file of stale) {
    console.error(`${file}: generated blocks differ from their sources: run "npm run readme".`);
  }
  if (misplaced.length > 0 || stale.length > 0) process.exit(1);
  const where = [...holders].map(([marker, [file]]) => `${marker} (${file})`).join(', ');
  console.log(`Generated blocks match action.yml and examples/: ${where}.`);
}
