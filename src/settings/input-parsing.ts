/** Reading typed values from inputs, collecting every problem so a person sees all at once. */

/** Reads one input by its action.yml name; '' when unset. */
export type InputReader = (name: string) => string;

export class InputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid input, nothing was changed:\n- ${problems.join('\n- ')}`);
    this.name = 'InputError';
  }
}

/** Collects problems so the user sees all of them at once. */
export class Problems {
  readonly list: string[] = [];
  add(input: string, problem: string | undefined): void {
    if (problem) this.list.push(`${input}: ${problem}`);
  }
}

export function parseInteger(
  input: InputReader,
  name: string,
  problems: Problems,
  range: { min: number; max: number },
): number {
  const text = input(name);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
    problems.add(name, `"${text}" is not a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

export function parseBoolean(input: InputReader, name: string, problems: Problems): boolean {
  const text = input(name).toLowerCase();
  if (text !== 'true' && text !== 'false')
    problems.add(name, `"${input(name)}" is not true or false`);
  return text === 'true';
}

export function parseChoice<T extends string>(
  input: InputReader,
  name: string,
  choices: readonly [T, ...T[]],
  problems: Problems,
): T {
  const text = input(name);
  const choice = choices.find((c) => c === text);
  if (!choice) problems.add(name, `"${text}" is not one of: ${choices.join(', ')}`);
  return choice ?? choices[0];
}
