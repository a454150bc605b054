import { randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, createLogger, customSource, type EventJob, parseConfig, signedRequest } from "@aiops/shared";
import { TEST_ADMIN_TOKEN, TestEventsQueue, testEnv, waitFor } from "@aiops/testing";
import type { Queue } from "bullmq";
import { type Api, type ApiOptions, createApi } from "../../src/api.js";
import { IngressMetrics } from "../../src/metrics.js";

export const ADMIN_TOKEN = TEST_ADMIN_TOKEN;
const SOURCE_SECRET = `whsec_${randomBytes(24).toString("base64")}`;

export interface OpsHarness {
  url: string;
  /** The private metrics listener's base URL, when started with `metricsPort`. */
  metricsUrl: string | undefined;
  api: Api;
  config: Config;
  queue: Queue<EventJob>;
  /** A source of this harness alone, so suites sharing the test database never see each other's events. */
  source: string;
  /** Sends a signed lead from this harness's source; the same `deliveryId` is a provider retry. */
  deliver(
    deliveryId?: string,
    body?: Record<string, unknown>,
  ): Promise<{ status: number; body: any; deliveryId: string }>;
  /** The signed request `deliver` would send, for tests that write it byte by byte. */
  signed(deliveryId?: string): { path: string; headers: Record<string, string>; body: Buffer };
  admin(path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface OpsOptions {
  /** Also start the private metrics listener (API_METRICS_PORT) on a free port. */
  metricsPort?: boolean;
  eventCounts?: ApiOptions["eventCounts"];
}

export async function startOpsApi(
  overrides: Record<string, string | undefined> = {},
  options: OpsOptions = {},
): Promise<OpsHarness> {
  const source = `ops-${randomBytes(4).toString("hex")}`;
  const sourcesFile = join(tmpdir(), `${source}.json`);
  const spec = {
    name: source,
    scheme: "standard-webhooks",
    secretVariable: "OPS_SOURCE_SECRET",
    eventId: { header: "webhook-id" },
    type: "lead",
  } as const;
  writeFileSync(sourcesFile, JSON.stringify({ sources: [spec] }));
  const env = testEnv({ SOURCES_FILE: sourcesFile, OPS_SOURCE_SECRET: SOURCE_SECRET, ...overrides });
  const config = parseConfig(env);
  const api = createApi(config, {
    logger: createLogger({ level: "silent" }),
    env,
    metrics: new IngressMetrics(),
    eventCounts: options.eventCounts,
  });
  const port = await api.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  // Redis and Postgres connect in the background; tests start once both answer.
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, "the API to be ready");
  const metricsUrl = options.metricsPort ? `http://127.0.0.1:${await api.listenMetrics(0, "127.0.0.1")}` : undefined;
  const events = new TestEventsQueue(config);
  const definition = customSource(spec);

  async function call(path: string, init: RequestInit = {}) {
    const response = await fetch(`${url}${path}`, init);
    const text = await response.text();
    return {
      status: response.status,
      body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text,
      headers: response.headers,
    };
  }

  const LEAD = { email: "ada@example.com", name: "Ada Lovelace", message: "Need 500 seats this week" };
  function signed(deliveryId = `msg_${randomUUID()}`, body: Record<string, unknown> = LEAD) {
    const request = signedRequest(definition, SOURCE_SECRET, { body, headers: { "webhook-id": deliveryId } });
    return { path: `/webhook/${source}`, headers: request.headers, body: request.body };
  }

  return {
    url,
    metricsUrl,
    api,
    signed,
    config,
    queue: events.queue,
    source,
    async deliver(deliveryId = `msg_${randomUUID()}`, body = LEAD) {
      const request = signed(deliveryId, body);
      const result = await call(request.path, { method: "POST", headers: request.headers, body: request.body });
      return { ...result, deliveryId };
    },
    admin(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${ADMIN_TOKEN}`);
      if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
      return call(path, { ...init, headers });
    },
    async close() {
      await api.close();
      await events.close();
    },
  };
}
