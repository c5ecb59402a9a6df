/** Typo guessing for unknown keys: "did you mean …?" saves a trip to the docs. */

/** The known key a typo most likely meant: same letters, or a couple of edits away. */
export function closest(key: string, known: readonly string[]): string | undefined {
  const bare = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  const same = known.find((candidate) => bare(candidate) === bare(key));
  if (same) return same;
  const scored = known.map((candidate) => ({ candidate, distance: editDistance(key, candidate) }));
  const best = scored.sort((a, b) => a.distance - b.distance)[0];
  // Short keys are a couple of edits from anything: "id" is not a typo of "kind".
  const limit = key.length > 4 ? 2 : 1;
  return best && best.distance <= limit ? best.candidate : undefined;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
