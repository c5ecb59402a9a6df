/** The defaults in code and in action.yml are one: a runner uses action.yml's, local runs ours. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { INPUT_DEFAULTS } from '../../../src/settings/input-defaults.js';

const action = parse(readFileSync(new URL('../../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

describe('input defaults', () => {
  it('are exactly the defaults action.yml declares', () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, input]) => input.default !== undefined)
        .map(([name, input]) => [name, input.default]),
    );
    expect(INPUT_DEFAULTS).toEqual(declared);
  });
});
