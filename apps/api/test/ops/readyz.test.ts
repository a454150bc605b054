import { Writable } from "node:stream";
import { parseConfig } from "@aiops/shared";
import { testEnv, waitFor } from "@aiops/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, createApi } from "../../src/api.js";
import { IngressMetrics } from "../../src/metrics.js";

/** A Postgres address where nothing listens: its driver error names the host and port. */
const UNREACHABLE_DB = "postgresql://postgres@127.0.0.1:9/aiops_nowhere";

describe("/readyz", () => {
  let api: Api;
  let url: string;
  const logLines: string[] = [];
  beforeAll(async () => {
    const env = testEnv({ DATABASE_URL: UNREACHABLE_DB });
    const logger = pino(
      { level: "warn" },
      new Writable({ write: (chunk, _encoding, done) => done(void logLines.push(String(chunk))) }),
    );
    api = createApi(parseConfig(env), { logger, env, metrics: new IngressMetrics() });
    url = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
  });
  afterAll(() => api.close());

  it("says only ok or failing per dependency, and logs why", async () => {
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    // Redis connects right after start; Postgres never will.
    const text = await waitFor(async () => {
      const body = await (await fetch(`${url}/readyz`)).text();
      return body.includes('"redis":"ok"') && body;
    }, "Redis to answer");
    expect(JSON.parse(text)).toEqual({ status: "unavailable", redis: "ok", postgres: "failing" });
    for (const detail of ["127.0.0.1", ":9", "ECONNREFUSED", "aiops_nowhere", "connect"])
      expect(text).not.toContain(detail);
    // The driver's own error reaches the log (a probe may also just time out on a loaded machine).
    const parsed = () =>
      logLines.map((line) => JSON.parse(line) as { msg: string; dependency?: string; err?: unknown });
    const logged = await waitFor(async () => {
      const body = await (await fetch(`${url}/readyz`)).text();
      expect(JSON.parse(body)).toMatchObject({ postgres: "failing" });
      expect(body).not.toContain("127.0.0.1");
      return parsed().find(
        (line) =>
          line.msg === "readiness check failed" &&
          line.dependency === "postgres" &&
          /ECONNREFUSED|127\.0\.0\.1/.test(JSON.stringify(line.err)),
      );
    }, "the driver's error in the log");
    expect(logged.err).toBeDefined();
  });
});
