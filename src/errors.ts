/** Error text for people: one line, never a stack. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (/^AccessDenied/.test(error.name)) {
    return (
      `AWS denied the request: ${error.message}. The credentials the action runs with need the ` +
      'least-privilege IAM policy from the README for this user.'
    );
  }
  if (/^NoSuchEntity/.test(error.name)) {
    return (
      `${error.message} (the user or its keys changed while this run worked on them: another ` +
      'run? Give the workflow a concurrency group, then run again)'
    );
  }
  return error.message;
}
