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
import type { UserPlan } from './user-plan.js';
import { resultOf, startUserRun, targetResult, type Finish, type UserRun } from './user-run.js';

export async function rotateUser(
  user: UserSpec,
  deps: RotationDeps,
  options: RotationOptions,
): Promise<UserResult> {
  const run = startUserRun(user, deps, options);
  let finish: Finish;
  try {
    finish = await rotateOrRecover(run);
  } catch (error) {
    finish = { outcome: 'failed', message: messageOf(error) };
  }
  return resultOf(run, finish);
}

async function rotateOrRecover(run: UserRun): Promise<Finish> {
  const facts = await gatherFacts(run);
  const plan = await decide(facts, { policy: run.policy, now: run.now() });
  run.log(`${plan.verdict}: ${plan.reason}`);
  noteWhatIsKnown(run, plan, facts.known());
  return run.dryRun ? describePlan(run, plan) : carryOut(run, plan);
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
