import { createLogger, type EventJob, parseConfig } from "@aiops/shared";
import { TestEventsQueue, testEnv } from "@aiops/testing";
import type { Queue } from "bullmq";
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
  const events = new TestEventsQueue(config);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    api,
    queue: events.queue,
    env,
    async post(source, body, headers) {
      const response = await fetch(`${url}/webhook/${source}`, { method: "POST", headers, body });
      const text = await response.text();
      return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
    },
    jobs: () => events.jobs(),
    async close() {
      await api.close();
      await events.close();
    },
  };
}
