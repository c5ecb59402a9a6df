/** Reading settings from plain input values in unit tests. */
import {
  InputError,
  readSettings,
  type InputContext,
} from '../../../src/settings/action-inputs.js';
import type { Settings } from '../../../src/model/settings.js';

export const ONE_USER_CONFIG =
  'users:\n  - name: ci-deploy\n    targets:\n      - organization: octo\n';

/**
 * A workflow in octo/app whose files are `files`: a string is the content, an Error is thrown as
 * it is; any other path fails as a missing file does (ENOENT).
 */
export function contextWith(files: Readonly<Record<string, string | Error>>): InputContext {
  return {
    workflowRepository: 'octo/app',
    readFile: (path) => {
      const file = files[path];
      if (file instanceof Error) throw file;
      if (file !== undefined) return file;
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    },
  };
}

/** The settings, or the problems readSettings refused the inputs with. */
export function readOutcome(
  inputs: Readonly<Record<string, string>>,
  context: InputContext,
): { settings: Settings | undefined; problems: readonly string[] } {
  try {
    return { settings: readSettings((name) => inputs[name] ?? '', context), problems: [] };
  } catch (error) {
    if (error instanceof InputError) return { settings: undefined, problems: error.problems };
    throw error;
  }
}
