import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type OpsHarness, startOpsApi } from "./harness.js";

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Fetches without following redirects, keeping the answer's headers. */
async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers, redirect: "manual" });
  await res.arrayBuffer();
  return res;
}

function expectHardened(res: Response, what: string) {
  expect(res.headers.get("content-security-policy"), what).toMatch(/(^|;)\s*frame-ancestors 'none'/);
  expect(res.headers.get("x-frame-options"), what).toBe("DENY");
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("cache-control"), what).toBe("no-store");
}

describe("the admin surface", () => {
  let h: OpsHarness;
  let disabled: OpsHarness;
  beforeAll(async () => {
    // Many refusals from one address here: the failure limit has its own tests.
    [h, disabled] = await Promise.all([
      startOpsApi({ ADMIN_AUTH_MAX_FAILURES: "1000" }),
      startOpsApi({ ADMIN_TOKEN: undefined }),
    ]);
  });
  afterAll(() => Promise.all([h?.close(), disabled?.close()]));

  it("is never framed, sniffed or cached: pages, JSON, Bull Board, static files and refusals", async () => {
    const paths = [
      "/admin/",
      "/admin/assets/app.js",
      "/admin/events",
      "/admin/stats",
      "/admin/events/evt_missing",
      "/admin/no-such-route",
      "/admin/queues",
      "/admin/queues/",
      "/admin/queues/api/queues",
      "/admin/queues/static/favicon-32x32.png",
    ];
    for (const path of paths) {
      const ok = await get(`${h.url}${path}`, bearer);
      expect(ok.status, path).toBeLessThan(500);
      expectHardened(ok, `${path} (${ok.status})`);
      expectHardened(await get(`${h.url}${path}`), `${path} without a token`);
      expectHardened(await get(`${disabled.url}${path}`, bearer), `${path} with the admin API disabled`);
    }
    // The events page keeps its own policy, with frame-ancestors in it once.
    const page = await get(`${h.url}/admin/`, bearer);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("content-security-policy")!.match(/frame-ancestors/g)).toHaveLength(1);
  });

  it("never says it runs Express", async () => {
    const answers = [
      await get(`${h.url}/healthz`),
      await get(`${h.url}/readyz`),
      await get(`${h.url}/nowhere`),
      await get(`${h.url}/metrics`),
      await get(`${h.url}/metrics`, bearer),
      await get(`${h.url}/admin/queues`, bearer),
      await get(`${h.url}/admin/queues/api/queues`, bearer),
      await get(`${h.url}/admin/queues/static/favicon-32x32.png`, bearer),
      await get(`${h.url}/admin/events`, bearer),
      await fetch(`${h.url}/webhook/${h.source}`, { method: "POST", body: "{}" }),
    ];
    for (const res of answers) expect(res.headers.get("x-powered-by"), res.url).toBeNull();
  });
});

describe("Bull Board", () => {
  let readOnly: OpsHarness;
  let writable: OpsHarness;
  beforeAll(async () => {
    [readOnly, writable] = await Promise.all([startOpsApi(), startOpsApi({ BULL_BOARD_WRITE: "true" })]);
  });
  afterAll(() => Promise.all([readOnly?.close(), writable?.close()]));

  const call = (h: OpsHarness, method: string, path: string, body?: unknown) =>
    h.admin(`/admin/queues/api/queues/events${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("is read-only by default: adding jobs, emptying and obliterating queues are refused and change nothing", async () => {
    const { deliveryId } = await readOnly.deliver();
    const before = await readOnly.queue.getJobCounts();
    expect(before.waiting).toBe(1);

    const forged = { name: "lead", data: { source: readOnly.source, eventId: "evt_forged" } };
    for (const [method, path, body] of [
      ["POST", "/add", forged],
      ["PUT", "/empty"],
      ["PUT", "/obliterate"],
      ["PUT", "/pause"],
      ["PUT", "/retry/failed"],
      ["PUT", "/clean/completed"],
    ] as const) {
      const res = await call(readOnly, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toBe("forbidden");
    }
    expect(await readOnly.queue.getJobCounts()).toEqual(before);
    expect(await readOnly.queue.isPaused()).toBe(false);
    expect((await readOnly.queue.getJobs(["waiting"])).map((job) => job.data)).toHaveLength(1);
    expect(deliveryId).toBeTruthy();

    // Reading still works, and the board says it is read-only.
    const list = await readOnly.admin("/admin/queues/api/queues");
    expect(list.status).toBe(200);
    expect(list.body.queues.find((queue: { name: string }) => queue.name === "events").readOnlyMode).toBe(true);
  });

  it("changes queues when BULL_BOARD_WRITE=true", async () => {
    await writable.deliver();
    const added = await call(writable, "POST", "/add", { name: "manual", data: { note: "added by hand" } });
    expect(added.status).toBe(200);
    expect((await writable.queue.getJobCounts()).waiting).toBe(2);
    const emptied = await call(writable, "PUT", "/empty");
    expect(emptied.status).toBe(200);
    expect((await writable.queue.getJobCounts()).waiting).toBe(0);
  });
});
