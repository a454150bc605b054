import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startOpsApi, type OpsHarness } from "./harness.js";

const basic = (password: string, user = "ops") => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const ROUTES = ["/admin/events", "/admin/events/evt_0", "/admin/stats", "/admin/", "/admin/queues", "/admin/assets/app.js"];

describe("admin authentication", () => {
  let api: OpsHarness;
  let disabled: OpsHarness;
  beforeAll(async () => {
    [api, disabled] = await Promise.all([startOpsApi(), startOpsApi({ ADMIN_TOKEN: undefined })]);
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
      for (const authorization of ["", "Bearer wrong-token", basic("wrong-token"), `Bearer ${ADMIN_TOKEN}x`, `Token ${ADMIN_TOKEN}`]) {
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
    expect(res.body.queues.map((queue: { name: string }) => queue.name)).toEqual(expect.arrayContaining(["events", "maintenance"]));
  });

  it("refuses cross-site changes made with a browser's cached basic credentials, not bearer calls", async () => {
    const crossSite = { authorization: basic(ADMIN_TOKEN), "sec-fetch-site": "cross-site" };
    expect((await api.admin("/admin/events/evt_0/replay", { method: "POST", headers: crossSite })).status).toBe(403);
    const foreignOrigin = { authorization: basic(ADMIN_TOKEN), origin: "https://evil.example" };
    expect((await api.admin("/admin/events/evt_0/replay", { method: "POST", headers: foreignOrigin })).status).toBe(403);
    const sameOrigin = { authorization: basic(ADMIN_TOKEN), "sec-fetch-site": "same-origin" };
    expect((await api.admin("/admin/events/evt_0/replay", { method: "POST", headers: sameOrigin })).status).toBe(404);
    const bearer = { "sec-fetch-site": "cross-site" };
    expect((await api.admin("/admin/events/evt_0/replay", { method: "POST", headers: bearer })).status).toBe(404);
  });
});
