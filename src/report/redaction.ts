/**
 * The secrets of this run (the GitHub token, every new secret access key), so that no text the
 * action publishes can hold one: masked in the log as they appear, and replaced in published text.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** `mask` tells the runner to hide the value in the log (core.setSecret). */
  constructor(private readonly mask: (secret: string) => void) {}

  /** Call the moment a secret exists, before anything can print it. */
  add(secret: string): void {
    if (!secret) return;
    this.mask(secret);
    this.secrets.add(secret);
  }

  /** Defence in depth: the text with every known secret replaced by ***. */
  redact(text: string): string {
    let clean = text;
    for (const secret of this.secrets) clean = clean.split(secret).join('***');
    return clean;
  }
}
