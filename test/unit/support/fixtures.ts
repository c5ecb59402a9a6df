/** Shared test data: a fixed clock and the action's default policy. */
import type { RotationPolicy } from '../../../src/model/settings.js';

export const NOW = new Date('2026-06-01T12:00:00Z');
export const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);
export const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);

/** The defaults of action.yml. */
export const DEFAULT_POLICY: RotationPolicy = {
  maxAgeDays: 90,
  retireOldKey: 'deactivate',
  deleteInactiveAfterDays: 7,
  twoActiveKeys: 'fail',
  verifyNewKey: true,
  verifyTimeoutSeconds: 60,
  overlapHours: 24,
};
