// The Prisma CLI runs its bundled WebAssembly schema engine through a driver adapter, so
// `generate` and `migrate deploy` need nothing beyond the npm registry. The adapter here is
// 7.x (aliased) because 6.19's cannot decode Postgres's `name` type during migrate
// (prisma/prisma#27403); the runtime client keeps the 6.19 adapter.
import { PrismaPg } from "@prisma/adapter-pg-migrate";
import { defineConfig } from "prisma/config";

const connectionString = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops";
process.env.DATABASE_URL = connectionString;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString }),
});
