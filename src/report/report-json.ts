/**
 * The report, in two sizes (pure): the full one for the report file, and a compact one for the
 * `report` output, which GitHub caps at 1 MB. Key ids, never a secret.
 */
import type { UserResult } from '../model/user-result.js';

/** GitHub's limit for one output is 1 MB; stay clear of it. */
export const OUTPUT_LIMIT_BYTES = 900_000;

/** Every fact of every user. */
export function reportJson(results: readonly UserResult[]): string {
  return JSON.stringify(results.map(fullEntry), null, 1);
}

function fullEntry(r: UserResult) {
  return {
    ...(r.account === undefined ? {} : { account: r.account }),
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
  };
}

/**
 * One small entry per user, so the output holds every user of a large run; past the limit the
 * last entry says how many were left out (the report file has them all).
 */
export function compactReportJson(
  results: readonly UserResult[],
  limit: number = OUTPUT_LIMIT_BYTES,
): string {
  const entries: string[] = [];
  let used = 2;
  for (const [i, r] of results.entries()) {
    const entry = JSON.stringify({
      ...(r.account === undefined ? {} : { account: r.account }),
      user: r.user,
      outcome: r.outcome,
      oldKeyId: r.oldKeyId ?? null,
      newKeyId: r.newKeyId ?? null,
    });
    // Room for this entry and, after it, the note about the rest.
    if (used + entry.length + 1 + 80 > limit && i < results.length - 1) {
      entries.push(JSON.stringify({ omitted: results.length - i, see: 'report-file' }));
      break;
    }
    entries.push(entry);
    used += entry.length + 1;
  }
  return `[${entries.join(',')}]`;
}
