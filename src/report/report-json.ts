/** The `report` output: one JSON entry per user. Pure: results in, text out. */
import type { UserResult } from '../model/user-result.js';

/** One entry per user, key ids but never a secret. */
export function reportJson(results: readonly UserResult[]): string {
  return JSON.stringify(
    results.map((r) => ({
      user: r.user,
      outcome: r.outcome,
      message: r.message,
      oldKeyId: r.oldKeyId ?? null,
      oldKeyAgeDays: r.oldKeyAgeDays ?? null,
      newKeyId: r.newKeyId ?? null,
      deletedKeyIds: r.deletedKeyIds,
      deactivatedKeyIds: r.deactivatedKeyIds,
      targets: r.targets.map((t) => ({
        target: t.target,
        state: t.state,
        keyId: t.keyId ?? null,
        ...(t.error ? { error: t.error } : {}),
      })),
      ...(r.keys ? { keys: r.keys } : {}),
      ...(r.pending ? { pending: r.pending } : {}),
      ...(r.keptInUse ? { keptInUse: r.keptInUse } : {}),
      ...(r.nextDueAt ? { nextDueAt: r.nextDueAt } : {}),
    })),
  );
}
