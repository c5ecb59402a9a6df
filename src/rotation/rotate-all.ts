/**
 * Every user of the run, in three passes: assess each one (read and decide, changing nothing;
 * the credential report rules out whoever is plainly fresh), share the write budget out oldest
 * key first, then carry the plans out, the others concurrently and the action's own user last
 * and alone. Each user's log lines are printed together when the user is done.
 */
import type { NewKey } from '../model/access-key.js';
import { messageOf } from '../model/errors.js';
import type { UserSpec } from '../model/settings.js';
import type { UserResult } from '../model/user-result.js';
import { mapWithConcurrency } from '../lib/map-with-concurrency.js';
import { isoSeconds } from './lifecycle-record.js';
import type { RotationDeps, RotationOptions, RunDeps } from './ports.js';
import { Progress } from './progress.js';
import { indexReport, triage } from './report-triage.js';
import { assessUser, completeUser } from './rotate-user.js';
import { splitSelf } from './self-rotation.js';
import { plannedWrites, type DecidedPlan } from './user-plan.js';
import { resultOf, startUserRun, type UserRun } from './user-run.js';
import { allocateWrites } from './write-budget.js';

export interface RunOptions extends RotationOptions {
  readonly concurrency: number;
  /** The IAM user the action runs as, if it is one. */
  readonly callerUserName: string | undefined;
  /** Switches the action's own credentials to its verified new key (self-rotation). */
  readonly switchToNewKey: (user: string, key: NewKey) => void;
  /** The key the action runs with, when it is an IAM user's key (self-rotation). */
  readonly ownKey?: () => Promise<NewKey | undefined>;
  readonly maxWritesPerRun: number;
  /** Writes of max-writes-per-run kept back for notifications; rotations share the rest. */
  readonly writesKeptBack?: number;
  /** An account with at least this many users is triaged from its credential report. */
  readonly fastPathMinUsers: number;
  /** How results name the account of the action's own credentials (its id). */
  readonly ownAccount?: string;
}

/** One user after the first pass: a plan to carry out, or already a result. */
interface Assessed {
  readonly user: UserSpec;
  readonly lines: string[];
  readonly run?: UserRun;
  readonly plan?: DecidedPlan;
  readonly result?: UserResult;
}

export async function rotateAll(
  users: readonly UserSpec[],
  deps: RunDeps,
  options: RunOptions,
): Promise<UserResult[]> {
  // Self-rotation concerns only the account of the action's own credentials.
  const own = users.filter((user) => user.account === undefined);
  const { self } = splitSelf(own, { userName: options.callerUserName });
  const others = users.filter((user) => user !== self);
  const fastPath = fastPathAccounts(users, options.fastPathMinUsers);
  const assessed = await mapWithConcurrency(others, options.concurrency, (user) =>
    assess(user, deps, options, fastPath),
  );
  if (self) {
    deps.log(`${self.name}: the action runs as this user; it is rotated last`);
    assessed.push(await assess(self, deps, options, fastPath, await selfExtras(self, options)));
  }
  const budgeted = applyBudget(assessed, options, self);
  const progress = progressOf(budgeted, deps);
  const finish = (item: Assessed) => complete(item, deps, progress);
  const done = await mapWithConcurrency(
    budgeted.filter((item) => item.user !== self),
    options.concurrency,
    finish,
  );
  const selfItem = budgeted.find((item) => item.user === self);
  if (selfItem) done.push(await finish(selfItem));
  const label = options.ownAccount;
  return label ? done.map((result) => ({ account: label, ...result })) : done;
}

/** Accounts with enough users that one credential report costs less than a call per user. */
function fastPathAccounts(users: readonly UserSpec[], minUsers: number): Set<string | undefined> {
  const counts = new Map<string | undefined, number>();
  for (const user of users) counts.set(user.account, (counts.get(user.account) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= minUsers).map(([account]) => account));
}

async function selfExtras(self: UserSpec, options: RunOptions): Promise<Partial<RotationDeps>> {
  const onVerified = (key: NewKey): void => options.switchToNewKey(self.name, key);
  const ownKey = await options.ownKey?.();
  return { onVerified, ...(ownKey ? { ownKey } : {}) };
}

async function assess(
  user: UserSpec,
  deps: RunDeps,
  options: RunOptions,
  fastPath: ReadonlySet<string | undefined>,
  extras: Partial<RotationDeps> = {},
): Promise<Assessed> {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  try {
    const report = fastPath.has(user.account)
      ? await deps.accounts.reportFor(user.account)
      : undefined;
    const quick = report ? fromReport(user, report, options, deps.now()) : undefined;
    if (quick) return { user, lines, result: quick };
    const iam = await deps.accounts.gatewayFor(user.account);
    const run = startUserRun(user, { ...deps, ...extras, iam, log }, options);
    const first = await assessUser(run);
    if ('finish' in first) return { user, lines, run, result: resultOf(run, first.finish) };
    return { user, lines, run, plan: first.plan };
  } catch (error) {
    const result = { user: user.name, ...accountOf(user), outcome: 'failed' as const };
    const empty = { deletedKeyIds: [], deactivatedKeyIds: [], targets: [] };
    return { user, lines, result: { ...result, ...empty, message: messageOf(error) } };
  }
}

/** A user the report rules out: fresh, without a single call of its own. */
function fromReport(
  user: UserSpec,
  report: NonNullable<Awaited<ReturnType<RunDeps['accounts']['reportFor']>>>,
  options: RunOptions,
  now: Date,
): UserResult | undefined {
  const seen = triage(indexReport(report).get(user.name.toLowerCase()), options.policy, now);
  if (seen.kind === 'check') return undefined;
  return {
    user: user.name,
    ...accountOf(user),
    outcome: 'fresh',
    message:
      `the active key is ${seen.ageDays} days old (credential report of ` +
      `${isoSeconds(report.generatedAt)})`,
    oldKeyAgeDays: seen.ageDays,
    nextDueAt: isoSeconds(seen.nextDue),
    deletedKeyIds: [],
    deactivatedKeyIds: [],
    targets: [],
  };
}

function accountOf(user: UserSpec): { account?: string } {
  return user.account === undefined ? {} : { account: user.account };
}

/** Users whose writes do not fit in what is left of max-writes-per-run are deferred. */
function applyBudget(
  assessed: readonly Assessed[],
  options: RunOptions,
  self: UserSpec | undefined,
): Assessed[] {
  const claims = assessed.map((item) => ({
    writes: writesOf(item),
    keyCreatedAt: item.plan?.current?.createdAt,
    last: item.user === self,
  }));
  const kept = options.writesKeptBack ?? 0;
  const { starts } = allocateWrites(claims, options.maxWritesPerRun - kept);
  const budget = budgetWords(options.maxWritesPerRun, kept);
  return assessed.map((item, i) => {
    if (starts[i] || !item.run) return item;
    const needed = claims[i]?.writes ?? 0;
    const message =
      `deferred: ${item.plan?.reason ?? 'due'}; its ${needed} secret write(s) do not fit in ` +
      `what is left of ${budget} this run. The next run takes it, oldest keys first`;
    return {
      ...item,
      plan: undefined,
      result: resultOf(item.run, { outcome: 'deferred', message }),
    };
  });
}

/** The budget as a deferred user's message names it: the input, and what notifications keep. */
function budgetWords(maxWritesPerRun: number, kept: number): string {
  const keptWords = kept > 0 ? `, ${kept} kept for notifications` : '';
  return `max-writes-per-run (${maxWritesPerRun}${keptWords})`;
}

/** The writes a user's plan makes; 0 without a plan. */
function writesOf(item: Assessed): number {
  return item.plan ? plannedWrites(item.plan, item.user.targets.length) : 0;
}

function progressOf(budgeted: readonly Assessed[], deps: RunDeps): Progress {
  const due = budgeted.filter((item) => item.plan && item.plan.steps.length > 0);
  const writes = due.reduce((sum, item) => sum + writesOf(item), 0);
  const deferred = budgeted.filter((item) => item.result?.outcome === 'deferred').length;
  return new Progress({ users: due.length, writes, deferred }, deps.log, deps.now);
}

async function complete(item: Assessed, deps: RunDeps, progress: Progress): Promise<UserResult> {
  const result =
    item.run && item.plan ? await completeUser(item.run, item.plan) : (item.result as UserResult);
  const title = `${item.user.account ? `${item.user.account}/` : ''}${item.user.name}: ${result.outcome}`;
  if (deps.logGroup) deps.logGroup(title, item.lines);
  else item.lines.forEach((line) => deps.log(line));
  if (item.plan && item.plan.steps.length > 0) {
    progress.userDone(writesOf(item));
  }
  return result;
}
