import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.js";
import { batchClient, GroupCommit } from "./group-commit.js";

export type {
  Activity,
  AiCacheEntry,
  Contact,
  Draft,
  ErasureAudit,
  EventLabel,
  Payment,
  StepResult,
  Ticket,
  WebhookEvent,
} from "./generated/prisma/client.js";
export { Prisma } from "./generated/prisma/client.js";
export { EventStatus, StepStatus } from "./generated/prisma/enums.js";
export { PrismaClient };

/**
 * Parameterised SQL on the same `pg` pool as the Prisma client, for the worker's hot path.
 * Values are always sent as bind parameters (`$1`, `$2`, …), never written into the text,
 * and each distinct text is prepared once per connection: the hot path's texts are fixed.
 *
 * Why: each Prisma call costs client CPU on top of the driver's (about 0.3 ms per raw
 * statement, 1 ms per query-builder call, measured with `npm run bench -- db-client`), and
 * the worker makes several per event. Prisma stays for the schema, migrations, the admin
 * API and everything off the hot path.
 *
 * Results come from `pg` itself: `jsonb` arrives parsed, `int4` as numbers, `int8` and
 * `numeric` as strings. Timestamps are `timestamp without time zone` holding UTC (Prisma's
 * convention): send them as ISO strings through `($n::timestamptz AT TIME ZONE 'UTC')`.
 */
export interface Sql {
  /** The rows the statement returns. */
  query<Row extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<Row[]>;
  /** The number of rows the statement inserted, updated or deleted. */
  execute(text: string, values?: readonly unknown[]): Promise<number>;
}

/** A unique constraint refused the row (Postgres SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "23505";
}

const pools = new WeakMap<PrismaClient, pg.Pool>();
const groupCommits = new WeakMap<PrismaClient, GroupCommit>();

/** More distinct statement texts than this are sent unprepared: a guard against texts built with values in them. */
const MAX_PREPARED = 256;
const statementNames = new Map<string, string>();

/**
 * The name a statement is prepared under on each connection: Postgres then parses and
 * plans it once per connection instead of on every call. The machine's CPU per statement
 * drops by about a third for a plain insert (`npm run bench -- db-client`) and by more than
 * half for the step runner's upsert, whose planning outweighs its execution.
 */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `aiops_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

type Run = (text: string, values: readonly unknown[]) => Promise<pg.QueryResult>;

function runOnPool(pool: pg.Pool): Run {
  return (text, values) => pool.query({ name: statementName(text), text, values: values as unknown[] });
}

function runSql(run: Run): Sql {
  return {
    async query<Row extends object>(text: string, values: readonly unknown[] = []) {
      return (await run(text, values)).rows as Row[];
    },
    async execute(text: string, values: readonly unknown[] = []) {
      return (await run(text, values)).rowCount ?? 0;
    },
  };
}

/** The same statements through Prisma: for a client this module did not create. */
function prismaSql(db: PrismaClient): Sql {
  return {
    query: <Row extends object>(text: string, values: readonly unknown[] = []) =>
      db.$queryRawUnsafe<Row[]>(text, ...values),
    execute: (text: string, values: readonly unknown[] = []) => db.$executeRawUnsafe(text, ...values),
  };
}

/**
 * Hot-path SQL for a client: straight on its pool when `createDatabase` made it, through
 * its group commit when it has one (see `GroupCommit`).
 */
export function sqlFor(db: PrismaClient): Sql {
  const group = groupCommits.get(db);
  if (group) return runSql((text, values) => group.run(text, values as unknown[]));
  const pool = pools.get(db);
  return pool ? runSql(runOnPool(pool)) : prismaSql(db);
}

/** The client's group commit, if it has one (its counters show how statements were batched). */
export function groupCommitOf(db: PrismaClient): GroupCommit | undefined {
  return groupCommits.get(db);
}

export interface DatabaseOptions {
  poolSize?: number;
  /**
   * Most hot-path statements (`sqlFor`) sent to Postgres in one transaction by group
   * commit (the worker passes `WORKER_DB_BATCH`); 1, the default, sends each on its own.
   * Its connection opens on first use.
   */
  batchStatements?: number;
}

/**
 * One Prisma client per process, on the pg driver adapter (Prisma's Rust-free client). Its
 * `pg.Pool` is shared with `sqlFor(db)`, so both count against one set of connections, and
 * `$disconnect()` closes it.
 */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  // An idle connection that breaks is replaced on next use; without a listener it would crash the process.
  pool.on("error", () => undefined);
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(db, pool);
  const maxBatch = options.batchStatements ?? 1;
  const group =
    maxBatch > 1
      ? new GroupCommit({
          connect: () => batchClient(databaseUrl),
          runOne: runOnPool(pool),
          nameOf: statementName,
          maxBatch,
        })
      : undefined;
  if (group) groupCommits.set(db, group);
  const disconnect = db.$disconnect.bind(db);
  // Prisma leaves a pool it was given open; this one is the client's own.
  db.$disconnect = async () => {
    await group?.close();
    await disconnect();
    if (!pool.ended && !pool.ending) await pool.end();
  };
  return db;
}

/** Creates the database named in the URL when it does not exist yet (first start). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!name) throw new Error("DATABASE_URL names no database");
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (error) {
    // Two processes starting together: the other one created it first.
    if ((error as { code?: string }).code === "42P04") return false;
    throw error;
  } finally {
    await client.end();
  }
}
