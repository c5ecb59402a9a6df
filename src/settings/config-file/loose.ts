/**
 * Reading data the schema may have rejected: the rule checks run on it anyway, so one run
 * reports everything, and these helpers let them skip whatever has the wrong shape.
 */
import type { Path } from './problem.js';

/** A mapping from the file, its values not yet trusted. */
export type Loose = Readonly<Record<string, unknown>>;

export interface Entry {
  readonly value: Loose;
  readonly path: Path;
}

export function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The mappings in a list, with their paths; anything else is the schema's to report. */
export function entries(list: unknown, path: Path): Entry[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((value: unknown, index) =>
    isRecord(value) ? [{ value, path: [...path, index] }] : [],
  );
}
