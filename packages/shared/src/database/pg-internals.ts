import pg from "pg";

/**
 * The parts of `pg` that group commit needs and `pg` does not document: the connection
 * inside a client, the statements it has prepared, how it encodes a value, and the class
 * that decodes a result. `pg-cursor` and `pg-query-stream` use the same ones. They are
 * named here and nowhere else, `pg` is pinned to an exact version, and
 * `pg-internals.test.ts` checks each of them, so an upgrade that changes one fails a test
 * instead of a batch.
 */

/** The protocol writer inside a `pg.Client`, as a `Submittable` receives it. */
export interface Connection {
  stream: { cork(): void; uncork(): void; destroy(error?: Error): void };
  /** Statement name → text, for the names prepared on this connection. */
  parsedStatements: Record<string, string>;
  parse(message: { text: string; name?: string; types?: unknown[] }): void;
  bind(message: { statement?: string; values: unknown[]; valueMapper?: (value: unknown) => unknown }): void;
  describe(message: { type: "P" | "S"; name?: string }): void;
  execute(message: { portal?: string; rows?: number }): void;
  sync(): void;
}

/** A `pg.Client`'s connection. */
export const connectionOf = (client: pg.Client): Connection =>
  (client as unknown as { connection: Connection }).connection;

/** A field list or a row as the backend sent them, for `ResultBuilder` to decode. */
export type Message = { fields: unknown[] };

/** `pg.Result`, which builds a `QueryResult` from the backend's messages with the client's type parsers. */
export interface ResultBuilder extends pg.QueryResult {
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): unknown;
  addRow(row: unknown): void;
  addCommandComplete(message: unknown): void;
}
export const Result = (pg as unknown as { Result: new () => ResultBuilder }).Result;

/** How `pg` encodes a bind value (a Date, a Buffer, an array, an object as JSON, `undefined` as null). */
export const prepareValue = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils
  .prepareValue;
