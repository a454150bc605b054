// Bulk replay of N failed events through the real admin API, while a client keeps asking
// /healthz: how long the replay takes, and how long the API's event loop ever stalled.
// Usage: npm run bench -- replay [N]   (uses DATABASE_URL and REDIS_URL; own queue prefix)

import { randomBytes } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createApi, IngressMetrics } from "@aiops/api";
import { createLogger, EVENTS_QUEUE, parseConfig } from "@aiops/shared";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

const count = Number(process.argv[2] ?? 5000);
const prefix = `bench-${randomBytes(4).toString("hex")}`;
const config = parseConfig({
  ...process.env,
  QUEUE_PREFIX: prefix,
  ADMIN_TOKEN: "bench-admin-token-of-24-chars",
  LOG_LEVEL: "silent",
});
const api = createApi(config, { logger: createLogger({ level: "silent" }), metrics: new IngressMetrics() });
const port = await api.listen(0, "127.0.0.1");
const source = prefix;

const rows = Array.from({ length: count }, (_, i) => ({
  id: `evt_${prefix}_${String(i).padStart(6, "0")}`,
  source,
  providerEventId: String(i),
  type: "lead" as const,
  status: "failed" as const,
  attempts: 8,
  lastError: "AI provider answered 503",
  payload: { email: `lead${i}@example.com`, name: `Lead ${i}`, message: "x".repeat(400) },
  receivedAt: new Date(),
}));
for (let i = 0; i < rows.length; i += 1000) await api.db.webhookEvent.createMany({ data: rows.slice(i, i + 1000) });

const loop = monitorEventLoopDelay({ resolution: 10 });
let probing = true;
const probes: number[] = [];
const prober = (async () => {
  while (probing) {
    const started = performance.now();
    await fetch(`http://127.0.0.1:${port}/healthz`);
    probes.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();

loop.enable();
const started = performance.now();
const response = await fetch(`http://127.0.0.1:${port}/admin/events/replay`, {
  method: "POST",
  headers: { authorization: "Bearer bench", "content-type": "application/json" },
  body: JSON.stringify({ status: "failed", source }),
});
const elapsed = performance.now() - started;
loop.disable();
probing = false;
await prober;
const body = await response.json();

probes.sort((a, b) => a - b);
const pct = (p: number) => probes[Math.min(probes.length - 1, Math.floor((p / 100) * probes.length))]!.toFixed(1);
const queue = new Queue(EVENTS_QUEUE, {
  connection: new Redis(config.REDIS_URL, { maxRetriesPerRequest: null }),
  prefix,
});
const waiting = (await queue.getJobCounts("waiting")).waiting;
process.stdout.write(
  `${[
    `bulk replay of ${count} failed events (jobs rebuilt from rows): ${JSON.stringify(body)} in ${(elapsed / 1000).toFixed(2)} s (${Math.round((count / elapsed) * 1000)} events/s); ${waiting} jobs waiting`,
    `event loop delay during it: p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`,
    `/healthz during it: ${probes.length} requests, p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms`,
  ].join("\n")}\n`,
);

await api.db.webhookEvent.deleteMany({ where: { source } });
await queue.obliterate({ force: true });
await queue.close();
await api.close();
const redis = new Redis(config.REDIS_URL);
const leftovers = await redis.keys(`${prefix}:*`);
if (leftovers.length > 0) await redis.del(...leftovers);
redis.disconnect();
process.exit(0);
