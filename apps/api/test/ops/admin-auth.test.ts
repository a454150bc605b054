import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type OpsHarness, startOpsApi } from "./harness.js";

/** A GET from a chosen loopback address (127.0.0.0/8), as another client on the network would be. */
function getFrom(
  localAddress: string,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] }));
    });
    req.on("error", reject);
    req.end();
  });
}

const basic = (password: string, user = "ops") => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const ROUTES = [
  "/admin/events",
  "/admin/events/evt_0",
  "/admin/stats",
  "/admin/",
  "/admin/queues",
  "/admin/assets/app.js",
];

describe("admin authentication", () => {
  let api: OpsHarness;
  let disabled: OpsHarness;
  beforeAll(async () => {
    // Many refusals from one address here: the failure limit is tested on its own below.
    [api, disabled] = await Promise.all([
      startOpsApi({ ADMIN_AUTH_MAX_FAILURES: "1000" }),
      startOpsApi({ ADMIN_TOKEN: undefined }),
    ]);
  });
  afterAll(() => Promise.all([api?.close(), disabled?.close()]));

  it("refuses everything when no ADMIN_TOKEN is configured, whatever is presented", async () => {
    for (const path of [...ROUTES, "/admin/events/replay"]) {
      for (const authorization of [`Bearer ${ADMIN_TOKEN}`, basic(ADMIN_TOKEN), "Bearer ", ""]) {
        const method = path.endsWith("replay") ? "POST" : "GET";
        const res = await disabled.admin(path, { method, headers: { authorization } });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error).toBe("forbidden");
      }
    }
  });

  it("answers 401 with a challenge to missing or wrong credentials", async () => {
    for (const path of ROUTES)
      for (const authorization of [
        "",
        "Bearer wrong-token",
        basic("wrong-token"),
        `Bearer ${ADMIN_TOKEN}x`,
        `Token ${ADMIN_TOKEN}`,
      ]) {
        const res = await api.admin(path, { headers: { authorization } });
        expect(res.status, `${path} with "${authorization}"`).toBe(401);
        expect(res.body.error).toBe("unauthorized");
        expect(res.headers.get("www-authenticate")).toMatch(/Basic realm/);
      }
  });

  it("accepts the token as a bearer token or as the basic-auth password", async () => {
    for (const authorization of [`Bearer ${ADMIN_TOKEN}`, basic(ADMIN_TOKEN), basic(ADMIN_TOKEN, "")]) {
      const list = await api.admin("/admin/events", { headers: { authorization } });
      expect(list.status).toBe(200);
      expect(list.body).toHaveProperty("events");
      const board = await api.admin("/admin/queues", { headers: { authorization } });
      expect(board.status).toBe(200);
      expect(String(board.body)).toContain("<html");
      const page = await api.admin("/admin/", { headers: { authorization } });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    }
  });

  it("lets Bull Board's own API through the same guard", async () => {
    expect((await api.admin("/admin/queues/api/queues", { headers: { authorization: "" } })).status).toBe(401);
    const res = await api.admin("/admin/queues/api/queues");
    expect(res.status).toBe(200);
    expect(res.body.queues.map((queue: { name: string }) => queue.name)).toEqual(
      expect.arrayContaining(["events", "maintenance"]),
    );
  });

  it("refuses cross-site changes made with a browser's cached basic credentials, not bearer calls", async () => {
    const crossSite = { authorization: basic(ADMIN_TOKEN), "sec-fetch-site": "cross-site" };
    expect((await api.admin("/admin/events/evt_0/replay", { method: "POST", headers: crossSite })).status).toBe(403);
    const foreignOrigin = { authorization: basic(ADMIN_TOKEN), origin: "https://evil.example" };
    expect((await api.admin("/admin/events/evt_0/replay", { method: "POST", headers: foreignOrigin })).status).toBe(
      403,
    );
    const sameOrigin = { authorization: basic(ADMIN_TOKEN), "sec-fetch-site": "same-origin" };
    expect((await api.admin("/admin/events/evt_0/replay", { method: "POST", headers: sameOrigin })).status).toBe(404);
    const bearer = { "sec-fetch-site": "cross-site" };
    expect((await api.admin("/admin/events/evt_0/replay", { method: "POST", headers: bearer })).status).toBe(404);
  });

  it("refuses Origin: null and malformed origins with 403, and lets clients that send no Origin through", async () => {
    const replay = (headers: Record<string, string>) =>
      api.admin("/admin/events/evt_0/replay", {
        method: "POST",
        headers: { authorization: basic(ADMIN_TOKEN), ...headers },
      });
    for (const origin of ["null", "http://[::1", "not a url", "http://"]) {
      const res = await replay({ origin });
      expect(res.status, origin).toBe(403);
      expect(res.body.error, origin).toBe("forbidden");
    }
    // A sandboxed frame of this very site still sends Origin: null.
    expect((await replay({ origin: "null", "sec-fetch-site": "same-origin" })).status).toBe(403);
    // The page itself: same origin; curl and scripts: no Origin at all. Both reach the route (404: no such event).
    expect((await replay({ origin: api.url, "sec-fetch-site": "same-origin" })).status).toBe(404);
    expect((await replay({ origin: api.url })).status).toBe(404);
    expect((await replay({})).status).toBe(404);
  });
});

describe("admin authentication failures", () => {
  const limits = { ADMIN_AUTH_MAX_FAILURES: "3", ADMIN_AUTH_WINDOW_SECONDS: "60" };
  let api: OpsHarness;
  let proxied: OpsHarness;
  let fleet: OpsHarness[];
  beforeAll(async () => {
    const sharedPrefix = `t${randomBytes(6).toString("hex")}`;
    [api, proxied, ...fleet] = await Promise.all([
      startOpsApi(limits),
      startOpsApi({ ...limits, TRUST_PROXY: "loopback" }),
      startOpsApi({ ...limits, QUEUE_PREFIX: sharedPrefix }),
      startOpsApi({ ...limits, QUEUE_PREFIX: sharedPrefix }),
    ]);
  });
  afterAll(() => Promise.all([api, proxied, ...fleet].map((h) => h?.close())));

  const wrong = { authorization: "Bearer wrong-token" };
  const right = { authorization: `Bearer ${ADMIN_TOKEN}` };

  it("are limited per address: 429 with retry-after, whatever is presented, while successes do not count", async () => {
    expect((await api.admin("/admin/events", { headers: wrong })).status).toBe(401);
    expect((await api.admin("/metrics", { headers: wrong })).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await api.admin("/admin/events", { headers: right })).status).toBe(200);
    expect((await api.admin("/admin/queues", { headers: { authorization: basic("guess") } })).status).toBe(401);

    const blocked = await api.admin("/admin/events", { headers: wrong });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe("too_many_requests");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // While blocked even the right token is refused: a correct guess must look like any other.
    expect((await api.admin("/admin/events", { headers: right })).status).toBe(429);
    expect((await api.admin("/metrics", { headers: right })).status).toBe(429);
    // A made-up X-Forwarded-For does not make a new client: no proxy is trusted by default.
    expect(
      (await api.admin("/admin/events", { headers: { ...right, "x-forwarded-for": "198.51.100.23" } })).status,
    ).toBe(429);
    // Another address is not affected.
    expect(await getFrom("127.0.0.2", `${api.url}/admin/events`, right)).toMatchObject({ status: 200 });
    // Webhooks never go through the admin guard.
    expect((await api.deliver()).status).toBe(202);
  });

  it("take the client's address from X-Forwarded-For only from a proxy TRUST_PROXY names", async () => {
    const from = (client: string, headers: Record<string, string>) =>
      proxied.admin("/admin/events", { headers: { ...headers, "x-forwarded-for": client } });
    for (let i = 0; i < 3; i++) expect((await from("203.0.113.7", wrong)).status).toBe(401);
    const blocked = await from("203.0.113.7", right);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await from("203.0.113.8", right)).status).toBe(200);
  });

  it("are counted across the fleet: API instances sharing Redis share the count", async () => {
    const [a, b] = fleet as [OpsHarness, OpsHarness];
    expect((await a.admin("/admin/events", { headers: wrong })).status).toBe(401);
    expect((await b.admin("/admin/events", { headers: wrong })).status).toBe(401);
    expect((await a.admin("/admin/events", { headers: wrong })).status).toBe(401);
    expect((await b.admin("/admin/events", { headers: right })).status).toBe(429);
  });
});
