/** AWS failures in words a person can act on; the gateways throw these instead of SDK errors. */
import { messageOf } from '../model/errors.js';

/** The SDK error with a message that says what to do; the name is kept for callers that branch. */
export function explainAwsError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const explained = new Error(adviceFor(error));
  explained.name = error.name;
  return explained;
}

function adviceFor(error: Error): string {
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
  return messageOf(error);
}

/** Runs an AWS call; a failure comes out explained. */
export async function explained<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error);
  }
}
