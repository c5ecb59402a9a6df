import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from './scripts/eslint-globals.js';

/**
 * The layers of src/ (docs/design.md): a module may import from its own layer and the layers
 * below it, never from one above. main.ts wires everything; model/ and lib/ import nothing.
 */
const SDKS = ['@aws-sdk/*', '@smithy/*', '@actions/*', '@octokit/*', 'libsodium-wrappers'];
const layer = (files, forbiddenFolders, forbiddenPackages = []) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              ...forbiddenFolders.flatMap((f) => [`../${f}/*`, `../../${f}/*`]),
              '**/main.js',
            ],
            message: 'Layering (docs/design.md): do not import from this layer.',
          },
          ...(forbiddenPackages.length
            ? [{ group: forbiddenPackages, message: 'Layering: this layer uses no SDK.' }]
            : []),
        ],
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.venv/**',
      'coverage/**',
      '.tmp/**',
      'reports/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals },
    rules: {
      'max-lines-per-function': ['warn', { max: 60, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  layer(['src/model/**', 'src/lib/**'], ['settings', 'rotation', 'report', 'aws', 'github'], SDKS),
  layer(['src/rotation/**'], ['settings', 'report', 'aws', 'github', 'audit'], SDKS),
  layer(['src/audit/**'], ['rotation', 'settings', 'report', 'aws', 'github'], SDKS),
  layer(['src/settings/**'], ['rotation', 'report', 'aws', 'github'], SDKS),
  layer(['src/report/**'], ['rotation', 'settings', 'aws'], SDKS),
  layer(['src/aws/**'], ['rotation', 'report', 'settings', 'github'], ['@actions/*', '@octokit/*']),
  layer(['src/github/**'], ['rotation', 'report', 'settings', 'aws'], ['@aws-sdk/*', '@smithy/*']),
  {
    files: ['test/**', 'scripts/**'],
    rules: { 'max-lines-per-function': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
