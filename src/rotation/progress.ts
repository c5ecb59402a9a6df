/**
 * A progress line a person can follow in a long run, at most every half minute: users done of
 * those due, writes made of those planned, deferred users, and the time left at GitHub's pace.
 */

const EVERY_MS = 30_000;
/** GitHub's content-creation limit: writes cannot go faster than this. */
const WRITES_PER_MINUTE = 80;

export class Progress {
  private done = 0;
  private writes = 0;
  private lastLine: number;

  constructor(
    private readonly totals: {
      readonly users: number;
      readonly writes: number;
      readonly deferred: number;
    },
    private readonly log: (line: string) => void,
    private readonly now: () => Date,
  ) {
    this.lastLine = now().getTime();
  }

  /** A user is finished; `writes` is what its plan wrote. */
  userDone(writes: number): void {
    this.done += 1;
    this.writes += writes;
    const at = this.now().getTime();
    if (at - this.lastLine < EVERY_MS || this.done === this.totals.users) return;
    this.lastLine = at;
    this.log(this.line());
  }

  line(): string {
    const { users, writes, deferred } = this.totals;
    const minutes = Math.ceil((writes - this.writes) / WRITES_PER_MINUTE);
    return (
      `progress: ${this.done} of ${users} user(s) done, ${this.writes} of ${writes} secret ` +
      `write(s), ${deferred} deferred; about ${minutes} min left at GitHub's write pace`
    );
  }
}
