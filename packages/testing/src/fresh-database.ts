import { spawnSync } from "node:child_process";
import pg from "pg";

/**
 * A database of its own for a suite whose assertions read a whole view (a tab of the inbox, a
 * count over every row) and so cannot share `aiops_test` with suites that add rows while it
 * runs, or with the rows earlier runs left. It is dropped and migrated again on every call:
 * `<test database>_<name>`, on the same server as `DATABASE_URL`. About 10 s for the migrations.
 */
export function freshDatabase(name: string): Promise<string> {
  const base = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops_test");
  const database = `${decodeURIComponent(base.pathname.slice(1))}_${name}`.replace(/[^a-z0-9_]/gi, "_");
  const url = new URL(base);
  url.pathname = `/${database}`;
  return recreate(base, database).then(() => {
    const migrate = spawnSync("pnpm", ["exec", "prisma", "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: url.toString() },
      encoding: "utf8",
    });
    if (migrate.status !== 0) throw new Error(`prisma migrate deploy on ${database} failed:\n${migrate.stderr}`);
    return url.toString();
  });
}

async function recreate(base: URL, database: string): Promise<void> {
  const admin = new URL(base);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}
