/**
 * The default of every input that has one: the single source, checked against action.yml by a
 * test. A runner fills defaults in from action.yml; local runs and tests rely on these.
 */
import { DEFAULT_ACCESS_KEY_ID_NAME, DEFAULT_SECRET_ACCESS_KEY_NAME } from './naming-rules.js';

export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  'access-key-id-secret': DEFAULT_ACCESS_KEY_ID_NAME,
  'secret-access-key-secret': DEFAULT_SECRET_ACCESS_KEY_NAME,
  'max-age-days': '90',
  'retire-old-key': 'deactivate',
  'delete-inactive-after-days': '7',
  'two-active-keys': 'fail',
  'verify-new-key': 'true',
  'verify-timeout-seconds': '60',
  'overlap-hours': '24',
  'dry-run': 'false',
  concurrency: '4',
  'max-writes-per-run': '400',
  audit: 'off',
  'notify-on': 'failure',
  'notify-issue': 'false',
};

/** GitHub's documented limit: at most 500 content-creating requests an hour. */
export const GITHUB_WRITES_PER_HOUR = 500;
