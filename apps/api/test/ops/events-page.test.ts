import { existsSync } from "node:fs";
import { waitFor } from "@aiops/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeDownstreams, startFakeWorker } from "./fake-worker.js";
import { ADMIN_TOKEN, type OpsHarness, startOpsApi } from "./harness.js";

// Debian's chromium package (.ci/run installs it); no browser is ever downloaded.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("events page in headless Chromium", () => {
  let h: OpsHarness;
  let worker: ReturnType<typeof startFakeWorker>;
  let browser: Browser;
  let page: Page;
  const downstreams: FakeDownstreams = { aiDown: false, crmDown: false };
  const ids: { done: string; failed: string } = { done: "", failed: "" };

  const status = (id: string) => h.api.db.webhookEvent.findUnique({ where: { id } }).then((row) => row?.status);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
    h = await startOpsApi({ JOB_ATTEMPTS: "2", JOB_BACKOFF_MS: "10" });
    worker = startFakeWorker(h.config, h.api.db, downstreams);
    for (let i = 0; i < 3; i++) {
      const { body } = await h.deliver(undefined, {
        email: `lead${i}@example.com`,
        name: `Lead ${i}`,
        message: "Need 500 seats this week",
      });
      ids.done = body.id;
      await waitFor(async () => (await status(body.id)) === "completed", "a processed event");
    }
    downstreams.aiDown = true;
    const failed = await h.deliver(undefined, {
      email: "grace@example.com",
      name: "Grace Hopper",
      message: "Quote please",
    });
    ids.failed = failed.body.id;
    await waitFor(async () => (await status(ids.failed)) === "failed", "a failed event");
    downstreams.aiDown = false;

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    const context = await browser.newContext({
      httpCredentials: { username: "ops", password: ADMIN_TOKEN },
      viewport: { width: 1440, height: 900 },
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await h?.api.db.webhookEvent.deleteMany({ where: { source: h.source } });
    await h?.close();
  });

  it("lists processed events with live counts by status", async () => {
    await page.goto(`${h.url}/admin/`);
    await page.fill("input[name=source]", h.source);
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator("#events tbody tr").count()).toBe(4);
    await expect.poll(() => page.locator(`tr[data-id="${ids.done}"] .badge`).textContent()).toBe("completed");
    await expect.poll(() => page.locator('.count[data-status="completed"] b').textContent()).toBe("3");
    expect(await page.locator('.count[data-status="failed"] b').textContent()).toBe("1");
  });

  it("shows an event's timeline with the AI's answer and token usage", async () => {
    await page.click(`tr[data-id="${ids.done}"]`);
    const classify = page.locator('#detail li[data-step="classify"]');
    await expect.poll(() => classify.count()).toBe(1);
    const text = (await classify.textContent()) ?? "";
    expect(text).toContain("AI answer");
    expect(text).toContain('"category": "hot"');
    expect(text).toContain("fake-ai · fake-model-1");
    expect(text).toContain("120 + 30 = 150 tokens");
    expect(await page.locator('#detail li[data-step="crm"] .badge').textContent()).toBe("succeeded");
    // Nothing to replay in a completed event: every step is stored.
    expect(await page.locator("#replay").count()).toBe(0);
    if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: "docs/events-page.png" });
  });

  it("replays a failed event with the replay button", async () => {
    await page.click(`tr[data-id="${ids.failed}"]`);
    await expect.poll(() => page.locator("#last-error").textContent()).toContain("AI provider answered 503");
    await page.click("#replay");
    await expect.poll(() => status(ids.failed), { timeout: 10_000 }).toBe("completed");
    // The page follows the event as the worker finishes it.
    await expect
      .poll(() => page.locator("#detail dd .badge").first().textContent(), { timeout: 10_000 })
      .toBe("completed");
    await expect
      .poll(() => page.locator('.count[data-status="failed"] b').textContent(), { timeout: 10_000 })
      .toBe("0");
  });

  it("renders payload text as text, never as markup", async () => {
    const { body } = await h.deliver(undefined, {
      email: "x@example.com",
      name: '<img src=x onerror="window.pwned=1">',
      message: "<script>window.pwned=1</script>",
    });
    await page.goto(`${h.url}/admin/#${body.id}`);
    await expect
      .poll(() => page.locator("#detail pre").last().textContent())
      .toContain("<script>window.pwned=1</script>");
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
  });
});
