/**
 * Bytes a parser may still write for one upload. Parsers spend it as they write, so a small
 * compressed upload that expands hugely is stopped when it reaches the team's remaining storage
 * quota, not after it has filled the disk.
 */
export class WriteBudget {
  private spent = 0;

  constructor(
    readonly limitBytes: number,
    /** The error to fail with once spending would pass the limit (QUOTA_EXCEEDED). */
    private readonly exceeded: (requestedBytes: number) => Error,
  ) {}

  spend(bytes: number): void {
    this.spent += bytes;
    if (this.spent > this.limitBytes) throw this.exceeded(this.spent);
  }
}
