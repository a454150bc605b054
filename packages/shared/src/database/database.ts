import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { batchClient, GroupCommit } from "./group-commit.js";
import { createSql, runOnPool, type Sql, statementName } from "./sql.js";

export interface DatabaseOptions {
  /** Connections in the pool Prisma and `sql` share. @defaultValue 10 */
  poolSize?: number;
  /**
   * Most `sql` statements sent to Postgres in one transaction by group commit (the worker
   * passes `WORKER_DB_BATCH`); 1 sends each on its own. Its connection opens on first use.
   * @defaultValue 1
   */
  batchStatements?: number;
}

/** One process's way to Postgres. */
export interface Database {
  /** Prisma's client (on the pg driver adapter): the schema's types, the admin API, everything off the hot path. */
  prisma: PrismaClient;
  /** Parameterised SQL on the same pool, through group commit when it is on: the worker's hot path. */
  sql: Sql;
  /** Lets statements in flight finish, then closes the group commit's connection and the pool. Idempotent. */
  close(): Promise<void>;
}

/**
 * One database per process: a `pg.Pool`, Prisma's client on it, and the hot-path `sql`
 * client on the same pool, so both count against one set of connections.
 */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  // An idle connection that breaks is replaced on next use; without a listener it would crash the process.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const maxBatch = options.batchStatements ?? 1;
  const groupCommit =
    maxBatch > 1
      ? new GroupCommit({
          connect: () => batchClient(databaseUrl),
          runOne: runOnPool(pool),
          nameOf: statementName,
          maxBatch,
        })
      : undefined;
  let closed: Promise<void> | undefined;
  return {
    prisma,
    sql: createSql(pool, groupCommit),
    close() {
      closed ??= (async () => {
        await groupCommit?.close();
        await prisma.$disconnect();
        // Prisma leaves a pool it was given open; this one is the database's own.
        if (!pool.ended && !pool.ending) await pool.end();
      })();
      return closed;
    },
  };
}

/** A unique constraint refused the row (Postgres SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "23505";
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
