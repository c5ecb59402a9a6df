/** Carries out one user's plan in the safe order: preflight, room, create, verify, write, retire. */
import type { RotationDeps, RotationOptions } from './deps.js';
import { requireStore } from './deps.js';
import { errorMessage } from './errors.js';
import { isRefusal } from './github/errors.js';
import { targetResult, type Finish, type Journal } from './journal.js';
import { ageInDays, keysNeedingLastUse, planRotation, type Plan } from './policy.js';
import { recoverInterrupted } from './recover.js';
import type { Recovery } from './recovery.js';
import type { TargetResult, UserResult } from './result.js';
import { deleteKeys, preflight, retireKeys, rollBack } from './steps.js';
import { describeScope } from './targets.js';
import type { KeyFact, NewKey, RotationPolicy, Target, UserSpec } from './types.js';

export type { RotationDeps, RotationOptions } from './deps.js';

export async function rotateUser(
  user: UserSpec,
  deps: RotationDeps,
  options: RotationOptions,
): Promise<UserResult> {
  const journal: Journal = {
    user: user.name,
    deletedKeyIds: [],
    deactivatedKeyIds: [],
    targets: [],
  };
  let finish: Finish;
  try {
    finish = await rotateOrRecover(user, deps, options, journal);
  } catch (error) {
    finish = { outcome: 'failed', message: errorMessage(error) };
  }
  return { ...journal, ...finish };
}

async function rotateOrRecover(
  user: UserSpec,
  deps: RotationDeps,
  options: RotationOptions,
  journal: Journal,
): Promise<Finish> {
  const listed = await deps.iam.listKeys(user.name);
  const recovered = await recoverInterrupted(user, listed, deps, options, journal);
  if (recovered.kind === 'done') return recovered.finish;
  const plan = await planUser(recovered.keys, deps, options.policy);
  deps.log(`${user.name}: ${plan.action}: ${plan.reason}`);
  const { recovery } = recovered;
  if (recovery?.kind === 'finish' && plan.action === 'fresh') {
    return finishedEarlier(user, recovery, plan, deps, options, journal);
  }
  journal.oldKeyId = plan.current?.id;
  if (plan.current) journal.oldKeyAgeDays = ageInDays(plan.current.createdAt, deps.now());
  const finish = await carryOut(user, plan, deps, options, journal);
  // Say what recovery did first: the plan alone would not explain the extra key changes.
  return recovery ? { ...finish, message: `${recovery.reason}; then ${finish.message}` } : finish;
}

async function planUser(
  keys: KeyFact[],
  deps: RotationDeps,
  policy: RotationPolicy,
): Promise<Plan> {
  const now = deps.now();
  const lookups = new Set(keysNeedingLastUse(keys, policy, now).map((key) => key.id));
  const facts = await Promise.all(
    keys.map(async (key): Promise<KeyFact> =>
      lookups.has(key.id) ? { ...key, lastUsedAt: await deps.iam.lastUsed(key.id) } : key,
    ),
  );
  return planRotation(facts, policy, now);
}

/** A crashed run had written every target; this run retired its old key. */
async function finishedEarlier(
  user: UserSpec,
  recovery: Recovery,
  plan: Plan,
  deps: RotationDeps,
  options: RotationOptions,
  journal: Journal,
): Promise<Finish> {
  journal.oldKeyId = recovery.older.id;
  journal.oldKeyAgeDays = ageInDays(recovery.older.createdAt, deps.now());
  journal.newKeyId = recovery.newest.id;
  journal.targets = user.targets.map((t) => targetResult(t, 'written', recovery.newest.id));
  if (!options.dryRun) await deleteKeys(user.name, plan.cleanup, deps, journal);
  const verb = options.dryRun ? 'would finish' : 'finished';
  return {
    outcome: options.dryRun ? 'would-rotate' : 'rotated',
    message: `${verb} an interrupted rotation: every target holds ${recovery.newest.id}`,
  };
}

async function carryOut(
  user: UserSpec,
  plan: Plan,
  deps: RotationDeps,
  options: RotationOptions,
  journal: Journal,
): Promise<Finish> {
  if (plan.action === 'blocked') return { outcome: 'failed', message: plan.reason };
  if (plan.action === 'fresh') {
    if (options.dryRun) {
      const steps = plan.cleanup.map((key) => `delete inactive key ${key.id}`);
      return { outcome: 'fresh', message: [plan.reason, ...steps].join('; would ') };
    }
    await deleteKeys(user.name, plan.cleanup, deps, journal);
    return { outcome: 'fresh', message: plan.reason };
  }
  return options.dryRun
    ? await dryRun(user, plan, deps, options.policy, journal)
    : await execute(user, plan, deps, options.policy, journal);
}

/** A rotation that is due: every step in the safe order. */
async function execute(
  user: UserSpec,
  plan: Plan,
  deps: RotationDeps,
  policy: RotationPolicy,
  journal: Journal,
): Promise<Finish> {
  const unreachable = await preflight(user.targets, deps, journal);
  if (unreachable) return unreachable;
  await deleteKeys(user.name, plan.cleanup, deps, journal);
  if (plan.makeRoom) await deleteKeys(user.name, [plan.makeRoom], deps, journal);
  const key = await deps.iam.createKey(user.name);
  journal.newKeyId = key.id;
  deps.log(`${user.name}: created ${key.id}`);
  const unverified = await verify(user.name, key, deps, policy, journal);
  if (unverified) return unverified;
  // Switching to a key that was not verified could sign the retirement with an unpropagated key.
  if (policy.verifyNewKey) deps.onVerified?.(key);
  return await distribute(user, plan, key, deps, policy, journal);
}

/** A key that never authenticates is deleted again: nothing else has changed yet. */
async function verify(
  user: string,
  key: NewKey,
  deps: RotationDeps,
  policy: RotationPolicy,
  journal: Journal,
): Promise<Finish | undefined> {
  if (!policy.verifyNewKey) return undefined;
  try {
    await deps.verifier.waitUntilWorks(user, key, policy.verifyTimeoutSeconds);
    deps.log(`${user}: ${key.id} authenticates`);
    return undefined;
  } catch (error) {
    const rollback = await rollBack(user, key.id, deps, journal);
    return { outcome: 'failed', message: `${errorMessage(error)}; ${rollback}` };
  }
}

/** Writes the key to every target, then retires the old keys only if all of them hold it. */
async function distribute(
  user: UserSpec,
  plan: Plan,
  key: NewKey,
  deps: RotationDeps,
  policy: RotationPolicy,
  journal: Journal,
): Promise<Finish> {
  const secrets = requireStore(deps);
  const write = (target: Target) =>
    writeTarget(
      target,
      key,
      { secrets, log: (m: string) => deps.log(`${user.name}: ${m}`) },
      journal.oldKeyId,
    );
  journal.targets = await Promise.all(user.targets.map(write));
  const written = journal.targets.filter((t) => t.state === 'written').length;
  const touched = journal.targets.filter((t) => t.state !== 'failed').length;
  if (written === user.targets.length) {
    await retireKeys(user.name, plan.retire, policy.retireOldKey, deps, journal);
    return { outcome: 'rotated', message: `rotated: ${plan.reason}` };
  }
  if (touched === 0) {
    const rollback = await rollBack(user.name, key.id, deps, journal);
    return { outcome: 'failed', message: `no target could be written; ${rollback}` };
  }
  return { outcome: 'failed', message: partialMessage(journal, key) };
}

function partialMessage(journal: Journal, key: NewKey): string {
  const names = (state: TargetResult['state']): string =>
    journal.targets
      .filter((t) => t.state === state)
      .map((t) => t.target)
      .join('; ');
  const failed = names('failed');
  const partial = names('partial');
  return [
    `only some targets hold the new key ${key.id}; both keys stay active and nothing was retired.`,
    failed && `Still on the old key (it works): ${failed}.`,
    partial &&
      `May hold the new secret key with the old key id, which fails until the next run ` +
        `completes the pair: ${partial}.`,
    'Fix the cause shown for each target and run again; see the README on converging.',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Secret key first, key id last: after a crash the id can be read back from IAM, the secret never. */
async function writeTarget(
  target: Target,
  key: NewKey,
  io: { secrets: NonNullable<RotationDeps['secrets']>; log: RotationDeps['log'] },
  oldKeyId: string | undefined,
): Promise<TargetResult> {
  const where = describeScope(target.scope);
  try {
    await io.secrets.write(target, target.secretAccessKeyName, key.secret);
    io.log(`wrote ${target.secretAccessKeyName} to ${where}`);
  } catch (error) {
    // GitHub refused (4xx): nothing was stored. Anything else (5xx after retries, a timeout, a
    // reset) may have stored it, so the new key must not be rolled back for this target.
    const refused = isRefusal(error);
    return targetResult(target, refused ? 'failed' : 'partial', oldKeyId, errorMessage(error));
  }
  try {
    await io.secrets.write(target, target.accessKeyIdName, key.id);
    io.log(`wrote ${target.accessKeyIdName} (${key.id}) to ${where}`);
    return targetResult(target, 'written', key.id);
  } catch (error) {
    return targetResult(target, 'partial', oldKeyId, errorMessage(error));
  }
}

/** A rotation that is due, as a plan: access is checked, nothing changes. */
async function dryRun(
  user: UserSpec,
  plan: Plan,
  deps: RotationDeps,
  policy: RotationPolicy,
  journal: Journal,
): Promise<Finish> {
  const steps = plan.cleanup.map((key) => `delete inactive key ${key.id}`);
  if (deps.secrets) {
    const unreachable = await preflight(user.targets, deps, journal);
    if (unreachable) return unreachable;
    journal.targets = journal.targets.map((t) => ({ ...t, state: 'would-write' }));
  }
  if (plan.makeRoom) steps.push(`delete ${plan.makeRoom.id} to make room`);
  steps.push(`create a new key and write it to ${user.targets.length} target(s)`);
  steps.push(...plan.retire.map((key) => `${policy.retireOldKey} ${key.id}`));
  return { outcome: 'would-rotate', message: `${plan.reason}; would ${steps.join(', ')}` };
}
