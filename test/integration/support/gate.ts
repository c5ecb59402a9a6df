/** Holding an emulator's answer until a test says so, rather than guessing a delay. */

/** A fault response `{ until }` that holds a call until `open()`. */
export function gate(): { until: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const until = new Promise<void>((resolve) => (open = resolve));
  return { until, open };
}

/** Lets the emulators (and the runs, separate processes) go on until `done` holds. */
export async function waitFor(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
}
