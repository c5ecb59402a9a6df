/** One user, start to end: read the facts, decide, then carry the plan out (or describe it). */
import { ageInDays, type KeyFact } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import type { UserSpec } from '../model/settings.js';
import type { KeySummary, UserResult } from '../model/user-result.js';
import { carryOut } from './carry-out.js';
import { decide } from './decide.js';
import { describePlan } from './dry-run.js';
import { isoSeconds } from './lifecycle-record.js';
import type { RotationDeps, RotationOptions } from './ports.js';
import { gatherFacts } from './user-facts.js';
import type { DecidedPlan, UserPlan } from './user-plan.js';
import { resultOf, startUserRun, targetResult, type Finish, type UserRun } from './user-run.js';

/** Both halves at once: what a run without a write budget does. */
export async function rotateUser(
  user: UserSpec,
  deps: RotationDeps,
  options: RotationOptions,
): Promise<UserResult> {
  const run = startUserRun(user, deps, options);
  const assessed = await assessUser(run);
  return 'plan' in assessed ? completeUser(run, assessed.plan) : resultOf(run, assessed.finish);
}

/** Reads the user's facts and decides; changes nothing. A failure to read ends the user. */
export async function assessUser(
  run: UserRun,
): Promise<{ readonly plan: DecidedPlan } | { readonly finish: Finish }> {
  try {
    const facts = await gatherFacts(run);
    const plan = await decide(facts, { policy: run.policy, now: run.now() });
    run.log(`${plan.verdict}: ${plan.reason}`);
    noteWhatIsKnown(run, plan, facts.known());
    return { plan };
  } catch (error) {
    return { finish: { outcome: 'failed', message: messageOf(error) } };
  }
}

/** Carries the plan out (a dry run describes it) and says how the user ended. */
export async function completeUser(run: UserRun, plan: DecidedPlan): Promise<UserResult> {
  let finish: Finish;
  try {
    finish = run.dryRun ? await describePlan(run, plan) : await carryOut(run, plan);
  } catch (error) {
    finish = { outcome: 'failed', message: messageOf(error) };
  }
  return resultOf(run, finish);
}

/** The report's facts that do not depend on how the steps go. */
function noteWhatIsKnown(run: UserRun, plan: UserPlan, keys: readonly KeyFact[]): void {
  const { journal } = run;
  const now = run.now();
  journal.keys = keys.map((key) => summarizeKey(key, now));
  if (plan.current) {
    journal.oldKeyId = plan.current.id;
    journal.oldKeyAgeDays = ageInDays(plan.current.createdAt, now);
  }
  if (plan.created) journal.newKeyId = plan.created.id;
  if (plan.pending) journal.pending = plan.pending;
  if (plan.inUse) journal.keptInUse = summarizeKey(plan.inUse, now);
  if (plan.nextDue) journal.nextDueAt = isoSeconds(plan.nextDue);
  const created = plan.created;
  if (created && plan.holdings) {
    // Only what the record and the stamps tell: a half-written pair is not yet the new key.
    journal.targets = plan.holdings.map((h) =>
      h.holding === 'new'
        ? targetResult(h.target, 'written', created.id)
        : targetResult(h.target, h.holding === 'secret-only' ? 'partial' : 'unchanged', undefined),
    );
  }
}

function summarizeKey(key: KeyFact, now: Date): KeySummary {
  const used =
    key.lastUsedAt === undefined
      ? {}
      : { lastUsedAt: key.lastUsedAt === null ? null : isoSeconds(key.lastUsedAt) };
  return {
    id: key.id,
    status: key.status,
    ageDays: ageInDays(key.createdAt, now),
    ...used,
    ...(key.lastUsedService ? { lastUsedService: key.lastUsedService } : {}),
    ...(key.lastUsedRegion ? { lastUsedRegion: key.lastUsedRegion } : {}),
  };
}
