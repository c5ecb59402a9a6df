/**
 * The workflows we ship and the workflows the README tells people to copy: they parse, pin every
 * third-party action to a commit, and pass this action only inputs that action.yml declares.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

const workflowFiles = readdirSync(new URL('.github/workflows/', root))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => `.github/workflows/${name}`);

const action = parse(read('action.yml')) as { inputs: Record<string, unknown> };
const knownInputs = new Set(Object.keys(action.inputs));

/** The ```yaml blocks of the README, with the line each starts on. */
function readmeYamlBlocks(): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = [];
  const lines = read('README.md').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```ya?ml\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    blocks.push({ line: start + 1, text: lines.slice(start, end).join('\n') });
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
  return uses === './' || uses === '.' || /^[\w.-]+\/iam-key-rotation-action(@|$)/.test(uses);
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

describe('workflow files', () => {
  it('finds the workflows', () => {
    expect(workflowFiles.length).toBeGreaterThan(0);
  });

  it.each([...workflowFiles, '.github/dependabot.yml'])('%s parses as YAML', (path) => {
    expect(() => parse(read(path))).not.toThrow();
    expect(parse(read(path))).toEqual(expect.any(Object));
  });

  it.each(workflowFiles)('%s pins every third-party action to a commit SHA', (path) => {
    const unpinned = stepsOf(parse(read(path)))
      .map((step) => step.uses)
      .filter((uses): uses is string => typeof uses === 'string' && isThirdParty(uses))
      .filter((uses) => !/@[0-9a-f]{40}$/.test(uses));
    expect(unpinned).toEqual([]);
  });

  it.each(workflowFiles)('%s passes this action only inputs from action.yml', (path) => {
    expect(unknownInputs(stepsOf(parse(read(path))))).toEqual([]);
  });
});

describe('README examples', () => {
  const blocks = readmeYamlBlocks();
  const workflows = blocks.filter((block) => /^jobs:/m.test(block.text));

  it('has YAML examples, and workflow examples among them', () => {
    expect(blocks.length).toBeGreaterThan(0);
    expect(workflows.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((block) => [block.line, block.text] as const))(
    'the yaml block at README.md line %i parses',
    (_line, text) => {
      expect(() => parse(text)).not.toThrow();
    },
  );

  it.each(workflows.map((block) => [block.line, block.text] as const))(
    'the workflow at README.md line %i uses this action, with inputs from action.yml only',
    (_line, text) => {
      const steps = stepsOf(parse(text));
      expect(steps.some((step) => typeof step.uses === 'string' && isThisAction(step.uses))).toBe(
        true,
      );
      expect(unknownInputs(steps)).toEqual([]);
    },
  );

  it('recognises an unknown input (the check can fail)', () => {
    const steps = stepsOf(
      parse('jobs:\n  j:\n    steps:\n      - uses: ./\n        with:\n          iam-usr: x\n'),
    );
    expect(unknownInputs(steps)).toEqual(['iam-usr']);
  });
});
