// `npm run bench -- db-client [--rounds 3000]`
//
// The cost of one hot-path statement (a step result's insert), same process, same pool:
// Prisma's `$executeRaw` against the same statement sent through the database's `sql` client, which
// prepares each statement once per connection, and through `pg` unprepared. Client CPU is
// this process's; machine CPU adds Postgres and the kernel (Linux only).
// Needs a migrated database (`npm run bench -- pipeline` makes `aiops_bench`).
import { parseArgs } from "node:util";
import { createDatabase, ensureDatabaseExists, Prisma } from "@aiops/shared";
import pg from "pg";
import { machineBusyMs } from "./support/machine-cpu.js";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "3000" }, concurrency: { type: "string", default: "20" } },
});
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops_bench";
await ensureDatabaseExists(url);
const database = createDatabase(url, { poolSize: CONCURRENCY + 5 });
const { prisma, sql } = database;
const unprepared = new pg.Pool({ connectionString: url, max: CONCURRENCY + 5 });
const run = `db-client-${Date.now()}`;

const output = JSON.stringify({
  category: "hot",
  urgency: 4,
  reasons: ["budget", "timeline"],
  draftReply: "Thanks, we will call you today.",
});

async function setup() {
  await sql.execute(
    Prisma.sql`INSERT INTO webhook_events (id, source, provider_event_id, type, status, attempts, received_at, updated_at)
     SELECT ${run} || '-' || i, 'bench', ${run} || '-' || i, 'lead', 'processing', 1, now(), now()
     FROM generate_series(0, ${ROUNDS}::int) i`,
  );
}

/** The same insert as a `Prisma.sql` statement, for Prisma's `$executeRaw` and the database's `sql` alike. */
const insert = (eventId: string, name: string) =>
  Prisma.sql`INSERT INTO step_results (id, event_id, name, status, output, error, raw_response, attempts, duration_ms,
                          provider, model, prompt_tokens, completion_tokens, cost_usd, cached, updated_at)
      VALUES (gen_random_uuid(), ${eventId}, ${name}, ${"succeeded"}::"StepStatus", ${output}::jsonb, ${null}, ${null}, ${1}, ${3},
              ${"rules"}, ${"rules-v1"}, ${0}, ${0}, ${0}::numeric, ${false}, (now() AT TIME ZONE 'UTC'))
      ON CONFLICT (event_id, name) DO NOTHING`;

type Variant = (eventId: string, name: string) => Promise<unknown>;
const variants: Record<string, Variant> = {
  "prisma $executeRaw": (eventId, name) => prisma.$executeRaw(insert(eventId, name)),
  "prisma $executeRawUnsafe": (eventId, name) => {
    const { text, values } = insert(eventId, name);
    return prisma.$executeRawUnsafe(text, ...values);
  },
  "pg.Pool (database.sql.execute)": (eventId, name) => sql.execute(insert(eventId, name)),
  "pg.Pool, unprepared": (eventId, name) => unprepared.query(insert(eventId, name).text, insert(eventId, name).values),
  "prisma stepResult.findMany (read)": (eventId) => prisma.stepResult.findMany({ where: { eventId } }),
  "pg.Pool (database.sql.query, read)": (eventId) =>
    sql.query(Prisma.sql`SELECT name, status, attempts, output FROM step_results WHERE event_id = ${eventId}`),
};

async function measure(label: string, variant: Variant) {
  // Inserts start from no step rows; reads find the one row per event the inserts left.
  if (!label.includes("read"))
    await sql.execute(Prisma.sql`DELETE FROM step_results WHERE event_id LIKE ${`${run}-%`}`);
  let next = 0;
  const cpu = process.cpuUsage();
  const machine = machineBusyMs();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ROUNDS) {
        const i = next++;
        await variant(`${run}-${i}`, "ai.lead");
      }
    }),
  );
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const machineMs = machine === undefined ? undefined : machineBusyMs()! - machine;
  return {
    label,
    perSecond: ROUNDS / (ms / 1000),
    cpuUsPerStatement: (cpuMs * 1000) / ROUNDS,
    machineUsPerStatement: machineMs === undefined ? undefined : (machineMs * 1000) / ROUNDS,
  };
}

await setup();
const results: Array<Awaited<ReturnType<typeof measure>>> = [];
// Warm each variant up, then measure them in turn, twice.
for (const [label, variant] of Object.entries(variants)) await measure(label, variant);
for (let round = 0; round < 2; round++)
  for (const [label, variant] of Object.entries(variants)) results.push(await measure(label, variant));
await sql.execute(Prisma.sql`DELETE FROM step_results WHERE event_id LIKE ${`${run}-%`}`);
await sql.execute(Prisma.sql`DELETE FROM webhook_events WHERE id LIKE ${`${run}-%`}`);
process.stdout.write(
  `\n| client (${ROUNDS} statements, ${CONCURRENCY} in flight) | statements/s | client CPU per statement (µs) | machine CPU per statement (µs) |\n| --- | ---: | ---: | ---: |\n`,
);
for (const r of results)
  process.stdout.write(
    `| ${r.label} | ${r.perSecond.toFixed(0)} | ${r.cpuUsPerStatement.toFixed(0)} | ${r.machineUsPerStatement?.toFixed(0) ?? ""} |\n`,
  );
await database.close();
await unprepared.end();
