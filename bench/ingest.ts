// `npm run bench -- ingest [--duration 10] [--connections 50] [--rounds 2]`
//
// Drives Stripe-signed payment events at the real API and, in the same run and with the
// same client, at a bare node:http server that only checks the HMAC and does one Queue.add.
// Both run as their own processes against the same Redis; the figure that matters is the
// ratio, since absolute numbers move with whatever else the machine is doing.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { signedRequest, stripeSource } from "@aiops/shared";
import { freePort } from "@aiops/testing";
import autocannon from "autocannon";
import { Redis } from "ioredis";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    warmup: { type: "string", default: "3" },
    rounds: { type: "string", default: "2" },
  },
});
const duration = Number(values.duration);
/** The API's production V8 flags (see scripts/platform.mjs), given to both servers alike. */
const API_NODE_FLAGS = ["--max-semi-space-size=64"];
const connections = Number(values.connections);
const secret = "whsec_bench_secret_of_the_required_length";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const env = {
  ...process.env,
  STRIPE_WEBHOOK_SECRET: secret,
  REDIS_URL: redisUrl,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
};

async function start(
  name: string,
  file: string,
  extra: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  // Logs go where a production deployment sends them: written, then discarded here.
  const child = spawn("node", [...API_NODE_FLAGS, "--conditions=source", "--import", "tsx", file], {
    env: { ...env, ...extra, PORT: `${port}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`))),
  );
  for (let i = 0; i < 100; i++) {
    const up = await Promise.race([
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (up) return { child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not start listening on ${port}`);
}

function load(port: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/webhook/payment`,
    method: "POST",
    connections,
    duration: seconds,
    requests: [
      {
        // A new event per request, signed the way Stripe signs it.
        setupRequest(request) {
          const event = stripeSource.sample(0, Date.now());
          (event.body as { id: string }).id = `evt_${randomUUID()}`;
          const signed = signedRequest(stripeSource, secret, event);
          return { ...request, headers: signed.headers, body: signed.body.toString() };
        },
      },
    ],
  });
}

async function clear(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
}

async function measure(name: string, file: string, prefix: string) {
  await clear(prefix);
  const { child, port } = await start(name, file, { QUEUE_PREFIX: prefix });
  try {
    process.stdout.write(`${name}: warming up ${values.warmup} s, then ${duration} s at ${connections} connections\n`);
    await load(port, Number(values.warmup));
    const result = await load(port, duration);
    const non2xx = result.non2xx;
    return {
      name,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + non2xx,
    };
  } finally {
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    await clear(prefix);
  }
}

// Rounds alternate between the two servers so that drift in the machine's load hits both.
const rounds = Number(values.rounds);
const bareRuns = [];
const apiRuns = [];
for (let round = 1; round <= rounds; round++) {
  bareRuns.push(await measure("bare node:http + HMAC + Queue.add", "bench/bare-ingest-server.ts", "bench-bare"));
  apiRuns.push(await measure("the API (POST /webhook/payment)", "apps/api/src/main.ts", "bench-api"));
}
const mean = (runs: Awaited<ReturnType<typeof measure>>[]) => ({
  name: runs[0]!.name,
  rps: runs.reduce((sum, r) => sum + r.rps, 0) / runs.length,
  p50: Math.max(...runs.map((r) => r.p50)),
  p99: Math.max(...runs.map((r) => r.p99)),
  errors: runs.reduce((sum, r) => sum + r.errors, 0),
});
const bare = mean(bareRuns);
const api = mean(apiRuns);
const ratio = api.rps / bare.rps;

const row = (r: typeof api) => `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} |`;
process.stdout.write(
  [
    "",
    `| server (mean of ${rounds} rounds; worst p50/p99) | requests/s | p50 ms | p99 ms | errors + non-2xx |`,
    `| --- | --- | --- | --- | --- |`,
    row(bare),
    row(api),
    "",
    `API / bare: ${(ratio * 100).toFixed(1)}% of the floor's throughput (target ≥ 70%); API p99 ${api.p99} ms (target ≤ 25 ms)`,
    `${ratio >= 0.7 && api.p99 <= 25 ? "targets met" : "TARGETS MISSED"}`,
    "",
  ].join("\n"),
);
