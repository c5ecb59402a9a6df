// Mutation testing (`npm run mutate`): small changes to the code that decides what happens to
// keys, that keeps secrets out of text, and that validates settings; each must fail a unit test.
// Slow (tens of minutes), so it is not part of `npm test`; a weekly workflow runs it.
import jestConfig from './jest.config.js';

// Only the unit project: integration tests run the bundled dist/, which mutants never reach.
const unitProject = jestConfig.projects.find((project) => project.displayName === 'unit');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    config: { ...unitProject, projects: undefined, testTimeout: 60000 },
    // A mutant in module-level code (a static mutant) runs only the tests that import its file.
    enableFindRelatedTests: true,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.stryker.json',
  coverageAnalysis: 'perTest',
  mutate: [
    // The engine: planning, the rotation record and its lifecycle, recovery, the write budget.
    'src/rotation/decide.ts',
    'src/rotation/plan.ts',
    'src/rotation/user-plan.ts',
    'src/rotation/target-holdings.ts',
    'src/rotation/lifecycle-record.ts',
    'src/rotation/self-repair.ts',
    'src/rotation/write-budget.ts',
    // Redaction and masking: published text, and the new secret masked the moment it exists.
    'src/report/redaction.ts',
    'src/aws/iam-gateway.ts:64-77',
    // Settings validation.
    'src/settings/action-inputs.ts',
    'src/settings/input-parsing.ts',
    'src/settings/naming-rules.ts',
    'src/settings/notify-inputs.ts',
    'src/settings/shard.ts',
    'src/settings/config-file/rules.ts',
    'src/settings/config-file/secret-clashes.ts',
  ],
  ignorePatterns: ['dist', 'reports', '.venv', '.tmp', 'coverage'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  thresholds: { high: 95, low: 90, break: 90 },
  concurrency: 2,
  timeoutMS: 20000,
};
