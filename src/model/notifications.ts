/**
 * Ways to tell people a run needs attention, as interfaces: aws/ and github/ implement them.
 * Failures come out already phrased for people.
 */

export interface EmailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

/** An issue the action opened, as later calls refer to it. */
export interface TrackedIssue {
  readonly number: number;
  readonly title: string;
  readonly url: string;
}

/** One open issue per repository and label tracks that runs need attention. */
export interface IssueTracker {
  /** The open tracking issue; the oldest when several are open. */
  findOpen(): Promise<TrackedIssue | undefined>;
  open(title: string, body: string): Promise<TrackedIssue>;
  update(
    issue: TrackedIssue,
    change: { readonly title?: string; readonly body: string },
  ): Promise<void>;
  comment(issue: TrackedIssue, body: string): Promise<void>;
  /** Comments, then closes the issue as completed. */
  close(issue: TrackedIssue, comment: string): Promise<void>;
}
