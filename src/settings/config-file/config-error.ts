/** The one error the config parser throws, so callers can tell a bad file from a bug. */

/** The config file is invalid; `problems` holds one actionable line per problem. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`config file ${source} has ${count}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
