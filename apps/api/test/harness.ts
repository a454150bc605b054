import { createLogger, EVENTS_QUEUE, type EventJob, parseConfig } from "@aiops/shared";
import { testEnv } from "@aiops/shared/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { type Api, createApi } from "../src/api.js";
import { IngressMetrics } from "../src/metrics.js";

export interface Harness {
  url: string;
  api: Api;
  queue: Queue<EventJob>;
  env: NodeJS.ProcessEnv;
  post(source: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Jobs in the queue (no worker runs in these tests, so they all wait). */
  jobs(): Promise<EventJob[]>;
  close(): Promise<void>;
}

/** A real API on an ephemeral port, on its own queue prefix, with a Queue to look inside. */
export async function startApi(overrides: Record<string, string | undefined> = {}): Promise<Harness> {
  const env = testEnv(overrides);
  const config = parseConfig(env);
  const api = createApi(config, { logger: createLogger({ level: "silent" }), env, metrics: new IngressMetrics() });
  const port = await api.listen(0, "127.0.0.1");
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  const queue = new Queue<EventJob>(EVENTS_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    api,
    queue,
    env,
    async post(source, body, headers) {
      const response = await fetch(`${url}/webhook/${source}`, { method: "POST", headers, body });
      const text = await response.text();
      return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
    },
    async jobs() {
      const jobs = await queue.getJobs(["waiting", "delayed", "active", "completed", "failed", "prioritized"]);
      return jobs.map((job) => job.data);
    },
    async close() {
      await api.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      // The ingress's acknowledgement markers live beside the queue under the same prefix.
      const markers = await connection.keys(`${config.QUEUE_PREFIX}:*`);
      if (markers.length > 0) await connection.del(...markers);
      connection.disconnect();
    },
  };
}
