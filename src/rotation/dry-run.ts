/** A dry run: the plan, said in words; access to the targets is checked, nothing changes. */
import { preflight } from './preflight.js';
import { describeSteps, type UserPlan } from './user-plan.js';
import type { Finish, UserRun } from './user-run.js';

export async function describePlan(run: UserRun, plan: UserPlan): Promise<Finish> {
  const writes = plan.steps.some((s) => s.kind === 'rotate' || s.kind === 'complete-pairs');
  if (writes && run.hasSecrets) {
    const unreachable = await preflight(run);
    if (unreachable) return unreachable;
    // Only what would be written: a target that already holds the new key is left as it is.
    run.journal.targets = run.journal.targets.map((t) =>
      t.state === 'written' ? t : { ...t, state: 'would-write', keyId: undefined },
    );
  }
  if (plan.verdict === 'blocked') return { outcome: 'failed', message: plan.reason };
  const steps = describeSteps(plan, run.policy, run.user.targets.length);
  const message = steps ? `${plan.reason}; would ${steps}` : plan.reason;
  switch (plan.verdict) {
    case 'rotate':
    case 'finish':
      return { outcome: 'would-rotate', message };
    case 'retire':
      return { outcome: 'would-retire', message };
    case 'wait':
      return { outcome: 'waiting', message };
    case 'fresh':
      return { outcome: 'fresh', message };
  }
}
