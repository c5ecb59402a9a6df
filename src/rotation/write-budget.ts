/**
 * The write budget (pure): GitHub allows 500 content-creating requests an hour, so one run makes
 * at most max-writes-per-run secret writes. Due users are taken oldest key first; a user starts
 * only if all its writes fit in what is left; the rest are deferred. The self-rotating user goes
 * last, as always.
 */

export interface BudgetClaim {
  /** How many secret writes the user's plan makes; 0 needs no budget. */
  readonly writes: number;
  /** When the key the targets hold was created; undefined (no key) counts as oldest. */
  readonly keyCreatedAt: Date | undefined;
  /** The action's own user: considered after everyone else. */
  readonly last: boolean;
}

export interface Allocation {
  /** Per claim, in the claims' order: whether it may start. */
  readonly starts: readonly boolean[];
  /** Writes left after the claims that start. */
  readonly left: number;
}

export function allocateWrites(claims: readonly BudgetClaim[], budget: number): Allocation {
  // Array sort is stable: equal claims keep their order.
  const order = claims
    .map((claim, index) => ({ claim, index }))
    .sort((a, b) => compareClaims(a.claim, b.claim));
  const starts = claims.map(() => false);
  let left = budget;
  for (const { claim, index } of order) {
    if (claim.writes > left) continue;
    starts[index] = true;
    left -= claim.writes;
  }
  return { starts, left };
}

/** Self last; before it, oldest key first, and a user with no key first of all. */
function compareClaims(a: BudgetClaim, b: BudgetClaim): number {
  if (a.last !== b.last) return a.last ? 1 : -1;
  const created = (claim: BudgetClaim) => claim.keyCreatedAt?.getTime() ?? -1;
  return created(a) - created(b);
}
