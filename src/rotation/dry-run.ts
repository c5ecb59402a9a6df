/** A rotation that is due, as a plan: access is checked, nothing changes. */
import type { Plan } from './plan.js';
import { preflight } from './preflight.js';
import type { Finish, UserRun } from './user-run.js';

export async function planDryRun(run: UserRun, plan: Plan): Promise<Finish> {
  const steps = plan.cleanup.map((key) => `delete inactive key ${key.id}`);
  if (run.hasSecrets) {
    const unreachable = await preflight(run);
    if (unreachable) return unreachable;
    run.journal.targets = run.journal.targets.map((t) => ({ ...t, state: 'would-write' }));
  }
  if (plan.makeRoom) steps.push(`delete ${plan.makeRoom.id} to make room`);
  steps.push(`create a new key and write it to ${run.user.targets.length} target(s)`);
  steps.push(...plan.retire.map((key) => `${run.policy.retireOldKey} ${key.id}`));
  return { outcome: 'would-rotate', message: `${plan.reason}; would ${steps.join(', ')}` };
}
