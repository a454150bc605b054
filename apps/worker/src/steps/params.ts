/**
 * Bind parameters for one statement: `add` returns the placeholder of a value, never the
 * value. With a `guard` (an SQL condition), the statement's writes take effect only where
 * it holds: every INSERT takes its rows from `rows`, which yields none otherwise.
 */
export class Params {
  readonly values: unknown[] = [];

  constructor(readonly guard?: string) {}

  add(value: unknown): string {
    this.values.push(value === undefined ? null : value);
    return `$${this.values.length}`;
  }

  /** The source of an INSERT's rows, each a list of SQL expressions. */
  rows(...rows: string[]): string {
    const values = `VALUES ${rows.map((row) => `(${row})`).join(", ")}`;
    return this.guard ? `SELECT * FROM (${values}) AS candidate WHERE ${this.guard}` : values;
  }
}

/** A value for a `jsonb` parameter (`null` when there is none). */
export const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/**
 * A step whose work is a database write, as parts of the one statement that also stores the
 * step: data-modifying CTEs (`name AS (...)`), and an SQL expression over them giving the
 * step's output as `jsonb`.
 */
export interface DatabaseWrite {
  ctes: string[];
  output: string;
}
