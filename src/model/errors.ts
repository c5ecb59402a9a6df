/** Error vocabulary shared by the gateways (which throw) and the engine (which decides). */

/** Error text for people: one line, never a stack. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A target that could not be read or written, already phrased for people. `mayHaveStored` says
 * whether a failed write may still have stored the value (a timeout, a 5xx): the engine must then
 * act as if the target could hold it. A refusal (4xx) stored nothing.
 */
export class TargetError extends Error {
  readonly mayHaveStored: boolean;

  constructor(message: string, options: { mayHaveStored: boolean }) {
    super(message);
    this.name = 'TargetError';
    this.mayHaveStored = options.mayHaveStored;
  }
}

/** Anything but a known refusal may have stored the value: never assume it did not. */
export function mayHaveStored(error: unknown): boolean {
  return !(error instanceof TargetError) || error.mayHaveStored;
}
