/**
 * What every check produces and the output consumes: a problem and where it is. Kept apart so
 * the checks and the line-locating output do not depend on each other.
 */

/** Where a problem is: keys and indexes from the document root, e.g. ['users', 0, 'name']. */
export type Path = readonly (string | number)[];

export interface Problem {
  readonly path: Path;
  readonly message: string;
  /** A key of the mapping at `path` to point at (e.g. an unknown key) instead of the mapping. */
  readonly key?: string;
}

/** ['users', 0, 'targets', 2] -> "users[0].targets[2]" */
export function pathText(path: Path): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
