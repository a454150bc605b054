// Creates the database named by DATABASE_URL when it does not exist yet.
import { ensureDatabaseExists, loadEnvFile, parseConfig } from "@aiops/shared";

loadEnvFile();
const { DATABASE_URL } = parseConfig();
try {
  const created = await ensureDatabaseExists(DATABASE_URL);
  const url = new URL(DATABASE_URL);
  process.stdout.write(`database ${url.pathname.slice(1)} on ${url.host}: ${created ? "created" : "exists"}\n`);
} catch (error) {
  process.stderr.write(`cannot reach Postgres at ${new URL(DATABASE_URL).host}: ${(error as Error).message}\n`);
  process.exit(1);
}
