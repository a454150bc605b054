import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpsHarness, startOpsApi } from "./harness.js";

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.on("close", () => resolve(text));
  });
}

describe("graceful shutdown of the API", () => {
  let h: OpsHarness;
  let port: number;
  beforeAll(async () => {
    h = await startOpsApi();
    port = Number(new URL(h.url).port);
  });
  afterAll(() => h.close());

  it("stops accepting, finishes the request in flight with Redis still open, then closes", async () => {
    // An idle keep-alive connection must not hold the shutdown up.
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);

    const request = h.signed();
    const socket = await open(port);
    const answer = readAll(socket);
    const head = [
      `POST ${request.path} HTTP/1.1`,
      "Host: 127.0.0.1",
      `Content-Length: ${request.body.length}`,
      ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
    socket.write(request.body.subarray(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));

    let closed = false;
    const closing = h.api.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(open(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(closed).toBe(false);

    socket.write(request.body.subarray(10));
    const response = await answer;
    expect(response).toMatch(/^HTTP\/1.1 202/);
    expect(response).toContain('"duplicate":false');
    await closing;
    expect(closed).toBe(true);
    // The event that was in flight really reached the queue.
    const id = /"id":"(evt_[0-9a-f]+)"/.exec(response)?.[1];
    expect(await h.queue.getJobState(id!)).toBe("waiting");
  });

  it("is idempotent", async () => {
    const first = h.api.close();
    expect(h.api.close()).toBe(first);
    await first;
  });
});
