import pg from "pg";

/** Runs one statement on its own (autocommit): the batch's fallback. */
export type RunOne = (text: string, values: unknown[]) => Promise<pg.QueryResult>;

export interface GroupCommitOptions {
  /** Opens the connection batches are pipelined on (`pipeline: true`). */
  connect: () => Promise<pg.Client>;
  /** A statement on its own, on the pool: used when a batch has to be taken apart. */
  runOne: RunOne;
  /** The name each statement text is prepared under, if any. */
  nameOf: (text: string) => string | undefined;
  /** Most statements in one transaction. */
  maxBatch: number;
}

interface Pending {
  text: string;
  values: unknown[];
  resolve: (result: pg.QueryResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the worker's hot path. While one batch is in flight on its connection,
 * the statements concurrent jobs issue wait; then they go together, pipelined, inside one
 * transaction: one round trip, one wake-up of the backend and one WAL flush for all of them
 * instead of one each. Under light load a statement goes alone, at once, as before.
 *
 * No caller sees a result before the COMMIT that made it durable has been answered. Each
 * statement keeps the outcome it would have had alone:
 * - one statement fails (a constraint, a deadlock): the transaction rolled back everyone's
 *   work, so the batch is run again one statement at a time on the pool;
 * - the connection breaks: every statement of the batch fails with that error, as a
 *   statement of its own would have, and the caller's job retries. Whether a COMMIT sent
 *   just before the break took effect cannot be known, which is no different for a single
 *   statement; every hot-path statement is an idempotent upsert, so the retry is safe.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  /** The pipelined connection, opened on first use and again after it broke. */
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
    const query = (item: Pending) => client.query({ name: this.options.nameOf(item.text), text: item.text, values: item.values });

    if (batch.length === 1) {
      const [item] = batch as [Pending];
      await query(item).then(item.resolve, item.reject);
      return;
    }

    // Written back to back, in one write; the server answers in order.
    const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
    stream?.cork?.();
    const begin = client.query("BEGIN");
    const results = batch.map((item) => query(item));
    const commit = client.query("COMMIT");
    stream?.uncork?.();
    const [began, ...outcomes] = await Promise.allSettled([begin, ...results]);
    const committed = await commit.then(
      (result) => result.command === "COMMIT",
      () => false,
    );

    if (committed && began!.status === "fulfilled" && outcomes.every((outcome) => outcome.status === "fulfilled")) {
      outcomes.forEach((outcome, i) => batch[i]!.resolve((outcome as PromiseFulfilledResult<pg.QueryResult>).value));
      return;
    }
    // A statement's own error (it has an SQLSTATE) rolled the transaction back: each one
    // again, alone. Anything else is the connection: everyone gets its error.
    const sqlFailure = outcomes.some((outcome) => outcome.status === "rejected" && typeof (outcome.reason as { code?: unknown }).code === "string");
    if (began!.status === "fulfilled" && sqlFailure) {
      this.stats.takenApart++;
      await Promise.all(batch.map((item) => this.options.runOne(item.text, item.values).then(item.resolve, item.reject)));
      return;
    }
    const reason = [began!, ...outcomes].find((outcome) => outcome.status === "rejected") as PromiseRejectedResult | undefined;
    const error = reason?.reason ?? new Error("the batch's transaction did not commit");
    for (const item of batch) item.reject(error);
  }
}

/** A pipelined connection for `GroupCommit`. */
export async function pipelinedClient(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, pipeline: true });
  // Without a listener an error on an idle connection would end the process.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}
