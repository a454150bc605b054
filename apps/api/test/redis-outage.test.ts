import { type ChildProcess, spawn } from "node:child_process";
import { leadSource, signedRequest } from "@aiops/shared";
import { freePort, TEST_SECRETS } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startApi } from "./harness.js";

/** A Redis of the test's own, so stopping it leaves the machine's Redis alone. */
function startRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "redis-server",
      ["--port", `${port}`, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    child.on("error", reject);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve(child);
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

let port: number;
let redis: ChildProcess;
let h: Harness;
beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  h = await startApi({ REDIS_URL: `redis://127.0.0.1:${port}` });
});
afterAll(async () => {
  await h.close();
  await stop(redis);
});

function lead(seq: number) {
  const event = leadSource.sample(seq, Date.now());
  return signedRequest(leadSource, TEST_SECRETS.LEAD_WEBHOOK_SECRET, event);
}

describe("Redis unreachable", () => {
  it("answers 503 queue_unavailable within 2 s, acknowledges nothing, and recovers", async () => {
    const before = lead(1);
    expect((await h.post("new-lead", before.body, before.headers)).status).toBe(202);

    await stop(redis);
    const during = lead(2);
    const started = performance.now();
    const answer = await h.post("new-lead", during.body, during.headers);
    const elapsed = performance.now() - started;
    expect(answer).toMatchObject({ status: 503, body: { error: "queue_unavailable" } });
    expect(elapsed).toBeLessThan(2_500);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(503);

    redis = await startRedis(port);
    // The refused event was never acknowledged: the provider's retry is accepted as new.
    let retry = { status: 0, body: {} as unknown };
    for (let i = 0; i < 50 && retry.status !== 202; i++) {
      retry = await h.post("new-lead", during.body, during.headers);
      if (retry.status !== 202) await new Promise((r) => setTimeout(r, 100));
    }
    expect(retry).toMatchObject({ status: 202, body: { duplicate: false } });
  });
});
