/** Carries out one user's plan in the safe order: preflight, room, create, verify, write, retire. */
import type { IamGateway } from './aws/iam-gateway.js';
import type { KeyVerifier } from './aws/key-verifier.js';
import { errorMessage } from './errors.js';
import type { SecretStore } from './github/secret-store.js';
import { ageInDays, keysNeedingLastUse, planRotation, type Plan } from './policy.js';
import type { TargetResult, UserResult } from './result.js';
import { describeTarget } from './targets.js';
import type { KeyFact, NewKey, RotationPolicy, Target, UserSpec } from './types.js';

export interface RotationDeps {
  readonly iam: IamGateway;
  readonly verifier: KeyVerifier;
  /** Absent only in a dry run without a token. */
  readonly secrets: SecretStore | undefined;
  readonly log: (message: string) => void;
  readonly now: () => Date;
  /** Called once the new key works, before anything is retired (self-rotation switches here). */
  readonly onVerified?: (user: string, key: NewKey) => void;
}

export interface RotationOptions {
  readonly policy: RotationPolicy;
  readonly dryRun: boolean;
}

/** The mutable record of one user's run; becomes the UserResult. */
interface Journal {
  user: string;
  oldKeyId?: string;
  oldKeyAgeDays?: number;
  newKeyId?: string;
  deletedKeyIds: string[];
  deactivatedKeyIds: string[];
  targets: TargetResult[];
}

type Finish = Pick<UserResult, 'outcome' | 'message'>;

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
    const plan = await planUser(user.name, deps, options.policy);
    journal.oldKeyId = plan.current?.id;
    if (plan.current) journal.oldKeyAgeDays = ageInDays(plan.current.createdAt, deps.now());
    deps.log(`${user.name}: ${plan.action} — ${plan.reason}`);
    finish = options.dryRun
      ? await dryRun(user, plan, deps, options.policy, journal)
      : await execute(user, plan, deps, options.policy, journal);
  } catch (error) {
    finish = { outcome: 'failed', message: errorMessage(error) };
  }
  return { ...journal, ...finish };
}

async function planUser(name: string, deps: RotationDeps, policy: RotationPolicy): Promise<Plan> {
  const now = deps.now();
  const keys = await deps.iam.listKeys(name);
  const lookups = new Set(keysNeedingLastUse(keys, policy, now).map((key) => key.id));
  const facts = await Promise.all(
    keys.map(async (key): Promise<KeyFact> =>
      lookups.has(key.id) ? { ...key, lastUsedAt: await deps.iam.lastUsed(key.id) } : key,
    ),
  );
  return planRotation(facts, policy, now);
}

async function execute(
  user: UserSpec,
  plan: Plan,
  deps: RotationDeps,
  policy: RotationPolicy,
  journal: Journal,
): Promise<Finish> {
  if (plan.action === 'blocked') return { outcome: 'failed', message: plan.reason };
  if (plan.action === 'fresh') {
    await deleteKeys(user.name, plan.cleanup, deps, journal);
    return { outcome: 'fresh', message: plan.reason };
  }
  const unreachable = await preflight(user.targets, deps, journal);
  if (unreachable) return unreachable;
  await deleteKeys(user.name, plan.cleanup, deps, journal);
  if (plan.makeRoom) await deleteKeys(user.name, [plan.makeRoom], deps, journal);
  const key = await deps.iam.createKey(user.name);
  journal.newKeyId = key.id;
  deps.log(`${user.name}: created ${key.id}`);
  const unverified = await verify(user.name, key, deps, policy, journal);
  if (unverified) return unverified;
  deps.onVerified?.(user.name, key);
  return await distribute(user, plan, key, deps, policy, journal);
}

/** Every target must be writable before IAM changes: a failure here changes nothing. */
async function preflight(
  targets: readonly Target[],
  deps: RotationDeps,
  journal: Journal,
): Promise<Finish | undefined> {
  const secrets = requireStore(deps);
  const checks = await Promise.allSettled(targets.map((target) => secrets.preflight(target)));
  const failures = checks.flatMap((check) => (check.status === 'rejected' ? [check.reason] : []));
  journal.targets = targets.map((target, i) => {
    const check = checks[i];
    return check?.status === 'rejected'
      ? targetResult(target, 'failed', journal.oldKeyId, errorMessage(check.reason))
      : targetResult(target, 'ready', journal.oldKeyId);
  });
  if (failures.length === 0) return undefined;
  const reasons = failures.map(errorMessage).join('; ');
  return {
    outcome: 'failed',
    message: `a target cannot be written, nothing was changed: ${reasons}`,
  };
}

function requireStore(deps: RotationDeps): SecretStore {
  if (!deps.secrets) throw new Error('github-token is required to write secrets');
  return deps.secrets;
}

function targetResult(
  target: Target,
  state: TargetResult['state'],
  keyId: string | undefined,
  error?: string,
): TargetResult {
  const base = { target: describeTarget(target), scope: target.scope, state };
  return { ...base, ...(keyId ? { keyId } : {}), ...(error ? { error } : {}) };
}

async function deleteKeys(
  user: string,
  keys: readonly KeyFact[],
  deps: RotationDeps,
  journal: Journal,
): Promise<void> {
  for (const key of keys) {
    await deps.iam.deleteKey(user, key.id);
    journal.deletedKeyIds.push(key.id);
    deps.log(`${user}: deleted ${key.status.toLowerCase()} key ${key.id}`);
  }
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
    const rollback = await rollBack(user, key, deps, journal);
    return { outcome: 'failed', message: `${errorMessage(error)}; ${rollback}` };
  }
}

async function rollBack(
  user: string,
  key: NewKey,
  deps: RotationDeps,
  journal: Journal,
): Promise<string> {
  try {
    await deps.iam.deleteKey(user, key.id);
    journal.deletedKeyIds.push(key.id);
    return `the new key ${key.id} was deleted and the old key is untouched`;
  } catch (error) {
    return `deleting the new key ${key.id} also failed (${errorMessage(error)}): delete it by hand`;
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
  const writes = user.targets.map((target) => writeTarget(target, key, secrets, journal.oldKeyId));
  journal.targets = await Promise.all(writes);
  const written = journal.targets.filter((t) => t.state === 'written').length;
  const touched = journal.targets.filter((t) => t.state !== 'failed').length;
  if (written === user.targets.length) {
    await retire(user.name, plan.retire, deps, policy, journal);
    return { outcome: 'rotated', message: `rotated: ${plan.reason}` };
  }
  if (touched === 0) {
    const rollback = await rollBack(user.name, key, deps, journal);
    return { outcome: 'failed', message: `no target could be written; ${rollback}` };
  }
  return { outcome: 'failed', message: partialMessage(journal, key) };
}

function partialMessage(journal: Journal, key: NewKey): string {
  const lagging = journal.targets.filter((t) => t.state !== 'written').map((t) => t.target);
  return (
    `only some targets hold the new key ${key.id}; both keys stay active and nothing was retired. ` +
    `Not updated: ${lagging.join('; ')}. Fix the cause shown for each target and run again.`
  );
}

/** Secret key first, key id last: after a crash the id can be read back from IAM, the secret never. */
async function writeTarget(
  target: Target,
  key: NewKey,
  secrets: SecretStore,
  oldKeyId: string | undefined,
): Promise<TargetResult> {
  try {
    await secrets.write(target, target.secretAccessKeyName, key.secret);
  } catch (error) {
    return targetResult(target, 'failed', oldKeyId, errorMessage(error));
  }
  try {
    await secrets.write(target, target.accessKeyIdName, key.id);
    return targetResult(target, 'written', key.id);
  } catch (error) {
    return targetResult(target, 'partial', oldKeyId, errorMessage(error));
  }
}

async function retire(
  user: string,
  keys: readonly KeyFact[],
  deps: RotationDeps,
  policy: RotationPolicy,
  journal: Journal,
): Promise<void> {
  for (const key of keys) {
    if (policy.retireOldKey === 'delete') {
      await deps.iam.deleteKey(user, key.id);
      journal.deletedKeyIds.push(key.id);
    } else {
      await deps.iam.setStatus(user, key.id, 'Inactive');
      journal.deactivatedKeyIds.push(key.id);
    }
    deps.log(`${user}: ${policy.retireOldKey === 'delete' ? 'deleted' : 'deactivated'} ${key.id}`);
  }
}

async function dryRun(
  user: UserSpec,
  plan: Plan,
  deps: RotationDeps,
  policy: RotationPolicy,
  journal: Journal,
): Promise<Finish> {
  const steps = plan.cleanup.map((key) => `delete inactive key ${key.id}`);
  if (plan.action === 'blocked') return { outcome: 'failed', message: plan.reason };
  if (plan.action === 'fresh') {
    return { outcome: 'fresh', message: [plan.reason, ...steps].join('; would ') };
  }
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
