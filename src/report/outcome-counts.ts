/** How many users ended in each outcome. */
import type { Outcome, UserResult } from '../model/user-result.js';

export interface Counts {
  readonly rotated: number;
  readonly failed: number;
}

export function countOutcomes(results: readonly UserResult[]): Counts {
  const count = (outcome: Outcome): number => results.filter((r) => r.outcome === outcome).length;
  return { rotated: count('rotated'), failed: count('failed') };
}
