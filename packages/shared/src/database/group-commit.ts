import pg from "pg";
import {
  type Connection,
  connectionOf,
  type Message,
  prepareValue,
  Result,
  type ResultBuilder,
} from "./pg-internals.js";

/** Runs one statement on its own (autocommit): the batch's fallback. */
export type RunOne = (text: string, values: unknown[]) => Promise<pg.QueryResult>;

export interface GroupCommitOptions {
  /** Opens the connection batches are sent on (`batchClient`). */
  connect: () => Promise<pg.Client>;
  /** A statement on its own, on the pool: used when a batch has to be taken apart. */
  runOne: RunOne;
  /** The name each statement text is prepared under, if any. */
  nameOf: (text: string) => string | undefined;
  /** Most statements in one transaction. */
  maxBatch: number;
  /**
   * How long a batch may wait for Postgres's answer before its connection is broken off:
   * a connection that goes silent (a partition, a frozen host) would otherwise hold every
   * job that waits on it, for good. 60 s when not said.
   */
  deadlineMs?: number;
}

interface Pending {
  text: string;
  values: unknown[];
  resolve: (result: pg.QueryResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the worker's hot path. While one batch is in flight on its connection,
 * the statements concurrent jobs issue wait; then they go together, in one exchange that
 * is one transaction (`BatchExchange`): one round trip, one wake-up of the backend, one
 * write of its replies and one WAL flush for all of them instead of one each. Under light
 * load a statement goes alone, at once, as before.
 *
 * No caller sees a result before the commit that made it durable has been answered. Each
 * statement keeps the outcome it would have had alone:
 * - one statement fails (a constraint, a deadlock): the transaction rolled back everyone's
 *   work, so the batch is run again one statement at a time on the pool;
 * - the connection breaks, or Postgres leaves a batch unanswered past its deadline (then
 *   the connection is broken off): every statement of the batch fails with that error, as
 *   a statement of its own would have, and the caller's job retries. Whether a commit sent
 *   just before the break took effect cannot be known, which is no different for a single
 *   statement; every hot-path statement is an idempotent upsert, so the retry is safe.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  /** The connection batches go on, opened on first use and again after it broke. */
  private client: Promise<pg.Client> | undefined;
  /** The batches being sent, one after another, while statements keep coming. */
  private draining: Promise<void> | undefined;
  private closed = false;
  /** Batches sent and statements in them, for tests and the curious. */
  readonly stats = { batches: 0, statements: 0, takenApart: 0 };

  constructor(private readonly options: GroupCommitOptions) {}

  run(text: string, values: unknown[]): Promise<pg.QueryResult> {
    if (this.closed) return Promise.reject(new Error("the database connection is closed"));
    return new Promise((resolve, reject) => {
      this.pending.push({ text, values, resolve, reject });
      this.kick();
    });
  }

  /** Starts sending what is waiting, unless a batch is in flight (its end looks again). */
  private kick(): void {
    if (!this.pending.length || this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // A statement that arrived between the drain's last look and now would wait forever.
      this.kick();
    });
  }

  /** Lets the batch in flight and those waiting finish, then closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
    const client = this.client;
    this.client = undefined;
    if (client) await client.then((c) => c.end()).catch(() => undefined);
  }

  private async drain(): Promise<void> {
    while (this.pending.length) await this.send(this.pending.splice(0, this.options.maxBatch));
  }

  private connection(): Promise<pg.Client> {
    const opened = (this.client ??= this.options.connect().then(
      (client) => {
        // A broken connection is dropped; the next batch opens a new one.
        const drop = () => {
          if (this.client === opened) this.client = undefined;
        };
        client.on("error", drop);
        client.on("end", drop);
        return client;
      },
      (error: unknown) => {
        this.client = undefined;
        throw error;
      },
    ));
    return opened;
  }

  private async send(batch: Pending[]): Promise<void> {
    let client: pg.Client;
    try {
      client = await this.connection();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    this.stats.batches++;
    this.stats.statements += batch.length;
    const statements = batch.map((item) => ({
      name: this.options.nameOf(item.text),
      text: item.text,
      values: item.values,
    }));

    let exchange: BatchExchange;
    try {
      exchange = new BatchExchange(statements);
    } catch {
      // A value `pg` cannot send: each statement alone, so only its own fails.
      await this.takeApart(batch);
      return;
    }
    let failure: unknown;
    const deadlineMs = this.options.deadlineMs ?? 60_000;
    // Broken off, the connection fails the batch as any broken connection does.
    const deadline = setTimeout(
      () => connectionOf(client).stream.destroy(new Error(`Postgres did not answer a batch within ${deadlineMs} ms`)),
      deadlineMs,
    );
    try {
      await prepare(client, statements);
      client.query(exchange as unknown as pg.Submittable);
      await exchange.done;
      failure = exchange.error;
      if (failure === undefined && exchange.results.length === batch.length) {
        for (const [i, result] of exchange.results.entries()) batch[i]!.resolve(result);
        return;
      }
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(deadline);
    }
    // A statement's own error rolled the transaction back, and the session goes on: each
    // statement again, alone. Anything else is the connection: everyone gets its error.
    if (failure instanceof pg.DatabaseError && failure.severity === "ERROR") {
      await this.takeApart(batch);
      return;
    }
    const error = failure ?? new Error("the batch's transaction did not complete");
    for (const item of batch) item.reject(error);
  }

  private async takeApart(batch: Pending[]): Promise<void> {
    this.stats.takenApart++;
    await Promise.all(batch.map((item) => this.options.runOne(item.text, item.values).then(item.resolve, item.reject)));
  }
}

interface Statement {
  name: string | undefined;
  text: string;
  values: unknown[];
}

/**
 * Prepares, once per connection, the named statements a batch uses, each in an exchange of
 * its own: `pg` records a name as prepared when its ParseComplete arrives for the query it
 * is sending, so the batch itself only binds.
 */
async function prepare(client: pg.Client, statements: Statement[]): Promise<void> {
  const { parsedStatements } = connectionOf(client);
  const missing = new Map<string, string>();
  for (const { name, text } of statements) if (name && parsedStatements[name] === undefined) missing.set(name, text);
  for (const [name, text] of missing) {
    await new Promise<void>((resolve, reject) => {
      const exchange = {
        name,
        text,
        submit(connection: Connection) {
          connection.parse({ text, name, types: [] });
          connection.sync();
        },
        handleError: reject,
        handleReadyForQuery: () => resolve(),
      };
      client.query(exchange as unknown as pg.Submittable);
    });
  }
}

/**
 * One batch as one exchange of the extended query protocol: every statement bound and
 * executed back to back, then a single Sync. Postgres runs the statements before a Sync as
 * one implicit transaction, commits it at the Sync (waiting for the WAL flush) and only
 * then answers ReadyForQuery; its replies go out in one write instead of one per
 * statement. After an error it skips to the Sync: the transaction is rolled back, and the
 * error names the statement that failed (the first without a result).
 *
 * A `Submittable` in `pg`'s terms (`client.query(submittable)`), on a connection that is
 * not in `pg`'s pipeline mode, which takes no such objects.
 */
class BatchExchange {
  readonly results: pg.QueryResult[] = [];
  error: unknown;
  readonly done: Promise<void>;
  private current: ResultBuilder | undefined;
  private finish!: () => void;

  /** Each statement's values as `pg` sends them, encoded up front: a value it cannot encode throws here, before anything is written. */
  private readonly encoded: unknown[][];

  constructor(private readonly statements: Statement[]) {
    this.encoded = statements.map((statement) => statement.values.map(prepareValue));
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  submit(connection: Connection): void {
    // `pg` writes each message on its own; corked, the batch leaves in one write.
    connection.stream.cork();
    try {
      for (const [i, { name, text }] of this.statements.entries()) {
        if (!name) connection.parse({ text, types: [] });
        connection.bind({ statement: name ?? "", values: this.encoded[i]! });
        connection.describe({ type: "P" });
        connection.execute({ rows: 0 });
      }
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  private result(): ResultBuilder {
    return (this.current ??= new Result());
  }

  handleRowDescription(message: Message): void {
    this.result().addFields(message.fields);
  }

  handleDataRow(message: Message): void {
    const result = this.result();
    result.addRow(result.parseRow(message.fields));
  }

  handleCommandComplete(message: unknown): void {
    const result = this.result();
    result.addCommandComplete(message);
    this.results.push(result);
    this.current = undefined;
  }

  handleEmptyQuery(): void {
    this.results.push(this.result());
    this.current = undefined;
  }

  /** `pg` hands over the backend's error (the session goes on) or the connection's (it does not). */
  handleError(error: unknown): void {
    this.error ??= error;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }
}

/** A connection for `GroupCommit`. */
export async function batchClient(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  // Without a listener an error on an idle connection would end the process.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}
