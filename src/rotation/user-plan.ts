/** What the engine decided for one user: the steps to take, in order, and why. */
import { ageInDays, type KeyFact } from '../model/access-key.js';
import type { Target } from '../model/secret-target.js';
import type { RotationPolicy } from '../model/settings.js';
import { isoSeconds, type RecordReading, type RotationRecord } from './lifecycle-record.js';
import type { TargetHolding } from './target-holdings.js';

export type Step =
  /** Forget a record that no longer describes the keys (UntagUser). */
  | { readonly kind: 'clear-record' }
  /** Inactive keys past delete-inactive-after-days. */
  | { readonly kind: 'delete-inactive'; readonly keys: readonly KeyFact[] }
  /** A key deleted so that a new one fits under AWS's limit of two. */
  | { readonly kind: 'delete-for-room'; readonly key: KeyFact }
  /** Write the key id where an interrupted run wrote only the secret key. */
  | {
      readonly kind: 'complete-pairs';
      readonly targets: readonly Target[];
      readonly keyId: string;
      /** The interrupted rotation's record; these writes are added to its window. */
      readonly record: RotationRecord;
    }
  /**
   * Write the record (every target holds the new key, or the old one is gone). `switchedNow`:
   * the switch happens as this step runs, so `switchedAt` is stamped then.
   */
  | {
      readonly kind: 'write-record';
      readonly record: RotationRecord;
      readonly switchedNow?: boolean;
    }
  /** Retire the old key, then record that it is done. */
  | { readonly kind: 'retire'; readonly key: KeyFact; readonly record: RotationRecord }
  /** Delete the action's own key that no target holds, and forget its record. */
  | { readonly kind: 'undo'; readonly key: KeyFact }
  /**
   * Create, verify and write a new key. `old` is what the targets held, retired later;
   * `replaces` is the key the record names as replaced (the targets' key, or a key deleted to
   * make room that they may have held).
   */
  | {
      readonly kind: 'rotate';
      readonly old: KeyFact | undefined;
      readonly replaces: string | undefined;
      readonly previous: RecordReading;
    };

/**
 * fresh: nothing is due. rotate: a new key is written. finish: an interrupted rotation is
 * completed. retire: the old key of an earlier rotation is retired. wait: the old key waits
 * for the overlap window or is still in use. blocked: nothing can be done safely.
 */
export type Verdict = 'fresh' | 'rotate' | 'finish' | 'retire' | 'wait' | 'blocked';

export interface UserPlan {
  readonly verdict: Verdict;
  /** Why, in words a person reads in the summary. */
  readonly reason: string;
  readonly steps: readonly Step[];
  /** The key the targets held before this run, when known. */
  readonly current?: KeyFact | undefined;
  /** The key an interrupted or earlier rotation created, when the record names it. */
  readonly created?: KeyFact | undefined;
  /** What is left for a later run. */
  readonly pending?: string | undefined;
  /** An old key kept active because it was used within the overlap window. */
  readonly inUse?: KeyFact | undefined;
  /** Which key each target holds, where the record and the stamps tell. */
  readonly holdings?: readonly TargetHolding[] | undefined;
  /** When the current key will be due, for a fresh user. */
  readonly nextDue?: Date | undefined;
  /** Touch nothing, not even expired inactive keys (a run in progress, an unreadable record). */
  readonly hold?: boolean;
}

/** A plan as decide() makes it: with the record it was decided from, checked before any change. */
export interface DecidedPlan extends UserPlan {
  readonly basis: RecordReading;
}

/** How many secret writes the plan makes (GitHub counts every one). */
export function plannedWrites(plan: UserPlan, targetCount: number): number {
  return plan.steps.reduce((writes, step) => {
    if (step.kind === 'rotate') return writes + 2 * targetCount;
    if (step.kind === 'complete-pairs') return writes + step.targets.length;
    return writes;
  }, 0);
}

/** "AKIA… (120 d, last used 2026-11-28T10:00:00Z by s3 in eu-west-1)". */
export function describeKey(key: KeyFact, now: Date): string {
  const age = `${ageInDays(key.createdAt, now)} d`;
  if (key.lastUsedAt === undefined) return `${key.id} (${age})`;
  if (key.lastUsedAt === null) return `${key.id} (${age}, never used)`;
  const where = [key.lastUsedService && `by ${key.lastUsedService}`, key.lastUsedRegion]
    .filter(Boolean)
    .join(' in ');
  return `${key.id} (${age}, last used ${isoSeconds(key.lastUsedAt)}${where ? ` ${where}` : ''})`;
}

/** The steps as a dry run says them: "would delete inactive key …, create a new key …". */
export function describeSteps(plan: UserPlan, policy: RotationPolicy, targets: number): string {
  return plan.steps.map((step) => describeStep(step, policy, targets)).join(', ');
}

function describeStep(step: Step, policy: RotationPolicy, targets: number): string {
  switch (step.kind) {
    case 'clear-record':
      return 'clear the rotation record';
    case 'delete-inactive':
      return step.keys.map((key) => `delete inactive key ${key.id}`).join(', ');
    case 'delete-for-room':
      return `delete ${step.key.id} to make room`;
    case 'complete-pairs':
      return `write ${step.keyId} to complete ${step.targets.length} half-written target(s)`;
    case 'write-record':
      return `record the rotation as ${step.record.state}`;
    case 'retire':
      return `${policy.retireOldKey} ${step.key.id}`;
    case 'undo':
      return `delete ${step.key.id}, which no target holds`;
    case 'rotate': {
      const retire = step.old
        ? policy.overlapHours > 0
          ? `, keep ${step.old.id} active for ${policy.overlapHours} h`
          : `, ${policy.retireOldKey} ${step.old.id}`
        : '';
      return `create a new key and write it to ${targets} target(s)${retire}`;
    }
  }
}
