/** How many users ended in each outcome, in the order a person wants to read them. */
import type { Outcome, UserResult } from '../model/user-result.js';

/** Failures first: they need a person. Then what happened, then what did not need to. */
export const OUTCOME_ORDER: readonly Outcome[] = [
  'failed',
  'waiting',
  'rotated',
  'retired',
  'would-rotate',
  'would-retire',
  'deferred',
  'fresh',
];

export type Counts = Readonly<Record<Outcome, number>>;

export function countOutcomes(results: readonly UserResult[]): Counts {
  const counts = Object.fromEntries(OUTCOME_ORDER.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const result of results) counts[result.outcome] += 1;
  return counts;
}

/** "2 rotated, 1 failed, 10 fresh": every outcome that occurred, in reading order. */
export function countsLine(counts: Counts): string {
  const parts = OUTCOME_ORDER.filter((o) => counts[o] > 0).map((o) => `${counts[o]} ${o}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing to do';
}
