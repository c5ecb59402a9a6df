/** The run's settings, as the settings layer hands them to the engine. No behaviour lives here. */
import type { Target } from './secret-target.js';

export interface UserSpec {
  readonly name: string;
  readonly targets: readonly Target[];
}

export type RetireAction = 'deactivate' | 'delete';
export type TwoActiveKeysPolicy = 'fail' | 'delete-least-recently-used';

export interface RotationPolicy {
  readonly maxAgeDays: number;
  readonly retireOldKey: RetireAction;
  readonly deleteInactiveAfterDays: number;
  readonly twoActiveKeys: TwoActiveKeysPolicy;
  readonly verifyNewKey: boolean;
  readonly verifyTimeoutSeconds: number;
  /** The old key stays active at least this long after every target holds the new one. */
  readonly overlapHours: number;
}

export interface Settings {
  readonly githubToken: string | undefined;
  readonly users: readonly UserSpec[];
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
  readonly concurrency: number;
}
