/** Bind parameters for one statement: `add` returns the placeholder of a value, never the value. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value === undefined ? null : value);
    return `$${this.values.length}`;
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
