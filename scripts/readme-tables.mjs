// Writes the inputs and outputs tables of README.md from action.yml, and the IAM policy from
// examples/iam-policy.json (the one the tests prove), between marker comments.
// `--check` fails instead of writing when the README is out of date (run by the tests).
import { readFileSync, writeFileSync } from 'node:fs';
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

export function renderReadme(readme, action, policy) {
  const replace = (text, marker, table) => {
    const pattern = new RegExp(`(<!-- ${marker}:start -->)[\\s\\S]*?(<!-- ${marker}:end -->)`);
    if (!pattern.test(text)) throw new Error(`README.md lacks the ${marker} markers`);
    return text.replace(pattern, `$1\n\n${table}\n\n$2`);
  };
  const withTables = replace(
    replace(readme, 'inputs', inputsTable(action)),
    'outputs',
    outputsTable(action),
  );
  return replace(withTables, 'iam-policy', '```json\n' + policy.trim() + '\n```');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const action = parse(readFileSync(`${root}/action.yml`, 'utf8'));
  const readme = readFileSync(`${root}/README.md`, 'utf8');
  // Formatted as Prettier would, so `prettier --check` and this script agree.
  const options = await prettier.resolveConfig(`${root}/README.md`);
  const policy = readFileSync(`${root}/examples/iam-policy.json`, 'utf8');
  const rendered = await prettier.format(renderReadme(readme, action, policy), {
    ...options,
    parser: 'markdown',
  });
  if (process.argv.includes('--check')) {
    if (rendered !== readme) {
      console.error('README.md tables differ from action.yml: run "npm run readme".');
      process.exit(1);
    }
    console.log('README.md tables match action.yml.');
  } else {
    writeFileSync(`${root}/README.md`, rendered);
  }
}
