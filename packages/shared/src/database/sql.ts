import { createHash } from "node:crypto";
import type pg from "pg";
import type { Prisma } from "../generated/prisma/client.js";
import type { GroupCommit } from "./group-commit.js";

/**
 * A statement built with Prisma's tagged template (`Prisma.sql`, with `Prisma.join`,
 * `Prisma.raw` and `Prisma.empty` for its parts): its `text` numbers the placeholders
 * (`$1`, `$2`, …) and `values` holds what they stand for. Values are always bind
 * parameters, never written into the text. The same object runs on `prisma.$queryRaw`.
 */
export type Statement = Prisma.Sql;

/**
 * Parameterised SQL on the same `pg` pool as the Prisma client, for the worker's hot path.
 *
 * Why not Prisma's client: each Prisma call costs client CPU on top of the driver's (about
 * 0.3 ms per raw statement, 1 ms per query-builder call, measured with `pnpm bench
 * db-client`), and the worker makes several per event. Prisma stays for the schema,
 * migrations, the admin API and everything off the hot path.
 *
 * Results come from `pg` itself: `jsonb` arrives parsed, `int4` as numbers, `int8` and
 * `numeric` as strings. Timestamps are `timestamp without time zone` holding UTC (Prisma's
 * convention): send them as ISO strings through `(${iso}::timestamptz AT TIME ZONE 'UTC')`.
 */
export interface Sql {
  /** The rows the statement returns. */
  query<Row extends object = Record<string, unknown>>(statement: Statement): Promise<Row[]>;
  /** The number of rows the statement inserted, updated or deleted. */
  execute(statement: Statement): Promise<number>;
  /** Statements sent so far, and the exchanges with Postgres they took (fewer with group commit). */
  readonly stats: { readonly statements: number; readonly batches: number };
}

/** More distinct statement texts than this are sent unprepared: a guard against texts built with values in them. */
const MAX_PREPARED = 256;
const statementNames = new Map<string, string>();

/**
 * The name a statement is prepared under on each connection: Postgres then parses and
 * plans it once per connection instead of on every call. The machine's CPU per statement
 * drops by about a third for a plain insert (`pnpm bench db-client`) and by more than half
 * for the step store's upserts, whose planning outweighs their execution.
 */
export function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `aiops_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** One statement on the pool, prepared by name. */
export function runOnPool(pool: pg.Pool): (text: string, values: unknown[]) => Promise<pg.QueryResult> {
  return (text, values) => pool.query({ name: statementName(text), text, values });
}

/** The hot-path client: through group commit when there is one, else straight on the pool. */
export function createSql(pool: pg.Pool, groupCommit: GroupCommit | undefined): Sql {
  const onPool = runOnPool(pool);
  const stats = { statements: 0, batches: 0 };
  const run = (statement: Statement) => {
    stats.statements++;
    if (!groupCommit) stats.batches++;
    return groupCommit
      ? groupCommit.run(statement.text, statement.values as unknown[])
      : onPool(statement.text, statement.values as unknown[]);
  };
  return {
    async query<Row extends object>(statement: Statement) {
      return (await run(statement)).rows as Row[];
    },
    async execute(statement: Statement) {
      return (await run(statement)).rowCount ?? 0;
    },
    get stats() {
      return groupCommit ? { statements: stats.statements, batches: groupCommit.stats.batches } : { ...stats };
    },
  };
}
