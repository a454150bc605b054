import type { StepRow } from "./step-store.js";

/**
 * Step rows not stored yet: under the `batched` strategy they go with the runner's next
 * statement instead of one of their own. Nothing else is buffered; the runner decides when
 * to ship (`drain`), this class only holds them.
 */
export class PendingWrites {
  private rows: StepRow[] = [];

  push(row: StepRow): void {
    this.rows.push(row);
  }

  /** Everything waiting, handed over; put it back with `push` if its statement fails. */
  drain(): StepRow[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  has(): boolean {
    return this.rows.length > 0;
  }
}
