/**
 * The workflows we ship, the example workflows in examples/, and the workflows the README and the
 * docs/ pages tell people to copy: they parse, pin every third-party action to a commit, and pass
 * this action only inputs that action.yml declares.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ACTION_NAME } from '../../scripts/set-action-name.mjs';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

const yamlFilesIn = (dir: string): string[] =>
  readdirSync(new URL(dir, root))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}${name}`);

const workflowFiles = yamlFilesIn('.github/workflows/');

/** The example workflows people copy: the YAML files in examples/ that have jobs. */
const exampleWorkflowFiles = yamlFilesIn('examples/').filter((path) => /^jobs:/m.test(read(path)));

/** The pages whose ```yaml blocks people copy. */
const markdownFiles = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

const action = parse(read('action.yml')) as { inputs: Record<string, unknown> };
const knownInputs = new Set(Object.keys(action.inputs));

/** The ```yaml blocks of a markdown file, with the line each starts on. */
function yamlBlocks(path: string): { path: string; line: number; text: string }[] {
  const blocks: { path: string; line: number; text: string }[] = [];
  const lines = read(path).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```ya?ml\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    blocks.push({ path, line: start + 1, text: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

interface Step {
  uses?: unknown;
  with?: Record<string, unknown>;
}

/** Every step of every job, including the `uses:` of a job that calls a reusable workflow. */
function stepsOf(workflow: unknown): Step[] {
  const jobs = (workflow as { jobs?: Record<string, { steps?: Step[]; uses?: unknown }> }).jobs;
  return Object.values(jobs ?? {}).flatMap((job) => [
    ...(job.steps ?? []),
    ...(job.uses === undefined ? [] : [{ uses: job.uses }]),
  ]);
}

/** A step that runs this action: the checked-out repository, or this repository by name. */
function isThisAction(uses: string): boolean {
  return (
    uses === './' ||
    uses === '.' ||
    /^[\w.-]+\/iam-key-rotation-action(@|$)/.test(uses) ||
    uses === ACTION_NAME ||
    uses.startsWith(`${ACTION_NAME}@`)
  );
}

function isThirdParty(uses: string): boolean {
  return !uses.startsWith('./') && uses !== '.' && !uses.startsWith('docker://');
}

function unknownInputs(steps: readonly Step[]): string[] {
  return steps
    .filter((step) => typeof step.uses === 'string' && isThisAction(step.uses))
    .flatMap((step) => Object.keys(step.with ?? {}))
    .filter((name) => !knownInputs.has(name));
}

/** Third-party actions that a workflow uses without pinning them to a commit SHA. */
function unpinnedActions(steps: readonly Step[]): string[] {
  return (
    steps
      .map((step) => step.uses)
      .filter((uses): uses is string => typeof uses === 'string' && isThirdParty(uses))
      // Examples name this action by its major tag, as users copy it (`@v1`).
      .filter((uses) => !isThisAction(uses))
      .filter((uses) => !/@[0-9a-f]{40}$/.test(uses))
  );
}

function usesThisAction(steps: readonly Step[]): boolean {
  return steps.some((step) => typeof step.uses === 'string' && isThisAction(step.uses));
}

describe('workflow files', () => {
  it('finds the workflows', () => {
    expect(workflowFiles.length).toBeGreaterThan(0);
  });

  it.each([...workflowFiles, '.github/dependabot.yml'])('%s parses as YAML', (path) => {
    expect(() => parse(read(path))).not.toThrow();
    expect(parse(read(path))).toEqual(expect.any(Object));
  });

  it.each(workflowFiles)('%s pins every third-party action to a commit SHA', (path) => {
    expect(unpinnedActions(stepsOf(parse(read(path))))).toEqual([]);
  });

  it.each(workflowFiles)('%s passes this action only inputs from action.yml', (path) => {
    expect(unknownInputs(stepsOf(parse(read(path))))).toEqual([]);
  });
});

describe('example workflows in examples/', () => {
  it('finds the scheduled rotation example', () => {
    expect(exampleWorkflowFiles).toContain('examples/rotate-aws-keys.yml');
  });

  it.each(exampleWorkflowFiles)('%s parses as a workflow', (path) => {
    expect(() => parse(read(path))).not.toThrow();
    expect(parse(read(path))).toEqual(expect.objectContaining({ jobs: expect.any(Object) }));
  });

  it.each(exampleWorkflowFiles)('%s pins every third-party action to a commit SHA', (path) => {
    expect(unpinnedActions(stepsOf(parse(read(path))))).toEqual([]);
  });

  it.each(exampleWorkflowFiles)(
    '%s uses this action by name, with inputs from action.yml only',
    (path) => {
      const steps = stepsOf(parse(read(path)));
      const ours = steps
        .map((step) => step.uses)
        .filter((uses): uses is string => typeof uses === 'string' && isThisAction(uses));
      expect(ours.length).toBeGreaterThan(0);
      // What a user copies names the action, not a checkout of this repository.
      expect(ours.filter((uses) => uses === './' || uses === '.')).toEqual([]);
      expect(unknownInputs(steps)).toEqual([]);
    },
  );
});

describe('YAML examples in README.md and docs/', () => {
  const blocks = markdownFiles.flatMap(yamlBlocks);
  const workflows = blocks.filter((block) => /^jobs:/m.test(block.text));

  it('has YAML examples, and workflow examples among them', () => {
    expect(blocks.length).toBeGreaterThan(0);
    expect(workflows.length).toBeGreaterThan(0);
  });

  it('has a workflow example in the README itself', () => {
    expect(workflows.some((block) => block.path === 'README.md')).toBe(true);
  });

  it.each(blocks.map((block) => [block.path, block.line, block.text] as const))(
    'the yaml block of %s at line %i parses',
    (_path, _line, text) => {
      expect(() => parse(text)).not.toThrow();
    },
  );

  it.each(workflows.map((block) => [block.path, block.line, block.text] as const))(
    'the workflow of %s at line %i uses this action, with inputs from action.yml only',
    (_path, _line, text) => {
      const steps = stepsOf(parse(text));
      expect(usesThisAction(steps)).toBe(true);
      expect(unknownInputs(steps)).toEqual([]);
    },
  );

  it.each(workflows.map((block) => [block.path, block.line, block.text] as const))(
    'the workflow of %s at line %i pins every third-party action to a commit SHA',
    (_path, _line, text) => {
      expect(unpinnedActions(stepsOf(parse(text)))).toEqual([]);
    },
  );

  it('recognises an unknown input (the check can fail)', () => {
    const steps = stepsOf(
      parse('jobs:\n  j:\n    steps:\n      - uses: ./\n        with:\n          iam-usr: x\n'),
    );
    expect(unknownInputs(steps)).toEqual(['iam-usr']);
  });

  it('recognises an unpinned third-party action (the check can fail)', () => {
    const steps = stepsOf(
      parse(
        'jobs:\n  j:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: owner/iam-key-rotation-action@v1\n',
      ),
    );
    expect(unpinnedActions(steps)).toEqual(['actions/checkout@v4']);
  });
});
