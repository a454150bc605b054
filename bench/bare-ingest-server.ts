// The floor of this architecture: node:http, one HMAC check (Stripe's scheme), JSON.parse
// and one BullMQ Queue.add per request. bench/ingest.ts compares the real API against it.

import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

const port = Number(process.env.PORT ?? 0);
const secret = process.env.STRIPE_WEBHOOK_SECRET ?? "";
const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
});
const queue = new Queue("events", { connection, prefix: process.env.QUEUE_PREFIX ?? "bench-bare" });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", async () => {
    const body = Buffer.concat(chunks);
    const header = String(req.headers["stripe-signature"] ?? "");
    const t = /t=(\d+)/.exec(header)?.[1] ?? "";
    const v1 = Buffer.from(/v1=([0-9a-f]+)/.exec(header)?.[1] ?? "", "hex");
    const expected = createHmac("sha256", secret).update(`${t}.`).update(body).digest();
    if (expected.length !== v1.length || !timingSafeEqual(expected, v1)) {
      res.writeHead(401).end();
      return;
    }
    const event = JSON.parse(body.toString()) as { id: string };
    await queue.add("payment", event, { jobId: event.id });
    res.writeHead(202, { "content-type": "application/json" }).end(`{"id":"${event.id}","duplicate":false}`);
  });
});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on("SIGTERM", () => server.close(() => void queue.close().then(() => process.exit(0))));
