import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureDatabaseExists } from "@aiops/shared";
import pg from "pg";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Creates the database at `url` if it is missing and applies the migrations: how the
 * benches and `freshDatabase` get a database to work on, as `pnpm migrate` does for a user.
 */
export async function migrateDatabase(url: string): Promise<void> {
  await ensureDatabaseExists(url);
  const migrate = spawnSync("pnpm", ["exec", "prisma", "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
  });
  if (migrate.status !== 0)
    throw new Error(`prisma migrate deploy on ${new URL(url).pathname.slice(1)} failed:\n${migrate.stderr}`);
}

/**
 * A database of its own for a suite whose assertions read a whole view (a tab of the inbox, a
 * count over every row) and so cannot share `aiops_test` with suites that add rows while it
 * runs, or with the rows earlier runs left. It is dropped and migrated again on every call:
 * `<test database>_<name>`, on the same server as `DATABASE_URL`. About 10 s for the migrations.
 */
export async function freshDatabase(name: string): Promise<string> {
  const base = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops_test");
  const database = `${decodeURIComponent(base.pathname.slice(1))}_${name}`.replace(/[^a-z0-9_]/gi, "_");
  const url = new URL(base);
  url.pathname = `/${database}`;
  await recreate(base, database);
  await migrateDatabase(url.toString());
  return url.toString();
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
