// The operations inbox in headless Chromium, against the real API and worker: a hot lead's
// draft is edited and approved and reaches the (fake) SMTP server once; a keyboard reject sends nothing.
import { existsSync } from "node:fs";
import { type Api, createApi } from "@aiops/api";
import { createDatabase, createLogger, type Database, type PrismaClient } from "@aiops/shared";
import { FakeSmtpServer, freshDatabase, postSample, TEST_ADMIN_TOKEN, testConfig, waitFor } from "@aiops/testing";
import { createWorker, type FleetWorker } from "@aiops/worker";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Debian's chromium package (.ci/run installs it); no browser is ever downloaded.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const logger = createLogger({ level: "silent" });
const smtp = new FakeSmtpServer();
const run = Math.floor(Math.random() * 1_000_000);
let seq = run * 100;

let api: Api;
let worker: FleetWorker;
let database: Database | undefined;
let db: PrismaClient;
let url: string;
let browser: Browser;
let page: Page;

async function deliver(sourceName: string, edit: (body: Record<string, any>) => void): Promise<string> {
  const { response } = await postSample(url, sourceName, ++seq, edit);
  if (response.status !== 202) throw new Error(`${sourceName}: ${response.status}`);
  const { id } = (await response.json()) as { id: string };
  await waitFor(
    async () => (await db.webhookEvent.findUnique({ where: { id } }))?.status === "completed",
    `event ${id} to be processed`,
  );
  return id;
}

// Realistic people; the run number keeps addresses apart from other runs in the same database
// (screenshots are taken against an empty one, without it).
const tag = process.env.UPDATE_SCREENSHOT ? "" : `.${run}`;
const priya = `priya.raman${tag}@kestrel-logistics.example`;
const tom = `tom.becker${tag}@brightdesk.example`;
// Failed leads have no draft; they are this suite's rows alone, removed afterwards.
const unscored = `inbox-unscored-${run}`;
const rosaLead = { name: "Rosa Jiménez", n: 999 };
const mails = (to: string) => smtp.mails.filter((mail) => mail.to.some((address) => address.toLowerCase() === to));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  await smtp.start();
  // The tabs are read whole, so no other suite's leads or tickets may rank among this one's.
  // (Screenshots are taken against an empty database given as DATABASE_URL.)
  const databaseUrl = process.env.UPDATE_SCREENSHOT ? undefined : await freshDatabase("inbox");
  const { config, env } = testConfig({
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    WORKER_METRICS_PORT: "0",
    JOB_BACKOFF_MS: "50",
    SMTP_URL: smtp.url,
    MAIL_FROM: "Sales <sales@example.com>",
  });
  api = createApi(config, { logger, env });
  url = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
  worker = createWorker(config, { logger });
  await worker.start();
  database = createDatabase(config.DATABASE_URL);
  db = database.prisma;

  await deliver("new-lead", (b) =>
    Object.assign(b, {
      email: priya,
      name: "Priya Raman",
      company: "Kestrel Logistics",
      message:
        "Hi, we run dispatch for 14 warehouses and our ticketing contract ends on the 31st. We need a quote for 60 agents this week, budget approved. I'm the ops director - please call me.",
    }),
  );
  await deliver("new-lead", (b) =>
    Object.assign(b, {
      email: tom,
      name: "Tom Becker",
      company: "BrightDesk",
      message: "Could you send pricing for a team of 5? Just comparing options for next quarter.",
    }),
  );
  await deliver("new-ticket", (b) => {
    b.requester = { email: `lucia.moreno${tag}@verde-foods.example`, name: "Lucia Moreno" };
    b.detail.subject = "Checkout fails for every customer since 09:00";
    b.detail.description =
      "Since 09:00 every checkout on our store returns an error. We are losing orders. Please help ASAP!";
  });

  // Leads whose processing failed, so the Leads tab holds more than one page: the newest first,
  // below every lead the AI scored, and one more (Rosa's) older than all of them.
  const names = ["Noah Fischer", "Aisha Khan", "Liam O'Brien", "Mei Lin", "Jonas Berg", "Sofia Rossi"];
  await db.webhookEvent.createMany({
    data: [...names.flatMap((name, i) => Array.from({ length: 9 }, (_, j) => ({ name, n: i * 9 + j }))), rosaLead].map(
      ({ name, n }) => ({
        id: `evt_${unscored}_${n}`,
        source: unscored,
        providerEventId: String(n),
        type: "lead" as const,
        status: "failed" as const,
        lastError: "the CRM did not answer",
        receivedAt: new Date(Date.now() - (n === rosaLead.n ? 3 : 1) * 3600_000 - n * 1000),
        payload: {
          name,
          email: `${name.split(" ")[0]!.toLowerCase()}${tag}.${n}@example.org`,
          message: "Hello, could someone call me about your plans for small teams?",
        },
      }),
    ),
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const context = await browser.newContext({
    httpCredentials: { username: "maria", password: TEST_ADMIN_TOKEN },
    viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
}, 120_000);
afterAll(async () => {
  await db?.webhookEvent.deleteMany({ where: { source: unscored } });
  await browser?.close();
  await worker?.close();
  await api?.close();
  await database?.close();
  await smtp.close();
});

describe("the operations inbox in headless Chromium", () => {
  it("edits and approves a hot lead's draft: the mail goes out once with the edited text, and the item moves to Sent", async () => {
    await page.goto(`${url}/admin/inbox`);
    const draft = await db.draft.findFirstOrThrow({ where: { recipient: priya } });
    const item = page.locator(`article[data-draft="${draft.id}"]`);
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.getAttribute("data-kind")).toBe("lead:hot");
    const text = (await item.textContent()) ?? "";
    expect(text).toContain("Priya Raman");
    expect(text).toContain("hot");
    expect(text).toContain("rules");
    if (process.env.UPDATE_SCREENSHOT) {
      await page.screenshot({ path: "docs/inbox.png" });
      await item.screenshot({ path: "docs/inbox-lead.png" });
    }

    const edited = "Hi Priya, thanks - I can send the contract today. Are you free at 3pm for a call?";
    await item.locator("textarea").fill(edited);
    await item.locator("button.approve").click();
    await expect.poll(() => mails(priya).length, { timeout: 15_000 }).toBe(1);
    // Quoted-printable: soft line breaks removed.
    expect(mails(priya)[0]!.raw.replace(/=\r?\n/g, "")).toContain(edited);
    await expect
      .poll(() => db.draft.findUnique({ where: { id: draft.id } }).then((d) => d?.status), { timeout: 15_000 })
      .toBe("sent");
    expect((await db.draft.findUniqueOrThrow({ where: { id: draft.id } })).decidedBy).toBe("maria");
    // The edit is feedback: the draft needed edits.
    await expect
      .poll(() =>
        db.eventLabel.findFirst({ where: { eventId: draft.eventId }, orderBy: { id: "desc" } }).then((l) => l?.draft),
      )
      .toBe("needed_edits");

    await expect.poll(() => item.count()).toBe(0);
    await page.click('#tabs button[data-tab="sent"]');
    await expect.poll(() => page.locator(`article[data-draft="${draft.id}"]`).count()).toBe(1);
    expect(await page.locator(`article[data-draft="${draft.id}"] textarea`).inputValue()).toBe(edited);
    expect(mails(priya)).toHaveLength(1);
  });

  it("rejects the selected item from the keyboard and sends nothing", async () => {
    await page.click('#tabs button[data-tab="leads"]');
    const draft = await db.draft.findFirstOrThrow({ where: { recipient: tom } });
    const item = page.locator(`article[data-draft="${draft.id}"]`);
    await expect.poll(() => item.count()).toBe(1);
    // A lead arriving meanwhile is announced, not rendered under the reviewer's cursor.
    await deliver("new-lead", (b) =>
      Object.assign(b, {
        email: `amira.haddad${tag}@northwind.example`,
        name: "Amira Haddad",
        company: "Northwind",
        message: "Do you offer a nonprofit discount?",
      }),
    );
    // (At least one: other suites sharing the database may add leads too.)
    await expect
      .poll(() => page.locator("#fresh").textContent(), { timeout: 10_000 })
      .toMatch(/^[1-9]\d* new items?: show$/);
    // Showing them loads them and takes the announcement away.
    await page.locator("#fresh").click();
    await expect.poll(() => page.locator("article.item", { hasText: `amira.haddad${tag}@` }).count()).toBe(1);
    expect(await page.locator("#fresh").count()).toBe(0);
    const index = await page
      .locator("article.item")
      .evaluateAll((nodes, id) => nodes.findIndex((n) => n.getAttribute("data-draft") === id), draft.id);
    await page.locator("body").press("k");
    for (let i = 0; i < index; i++) await page.locator("body").press("j");
    await expect.poll(() => item.getAttribute("class")).toContain("selected");
    await page.keyboard.press("r");
    await expect.poll(() => db.draft.findUnique({ where: { id: draft.id } }).then((d) => d?.status)).toBe("rejected");
    await expect.poll(() => page.locator("#status").textContent()).toContain("nothing was sent");
    expect(mails(tom)).toHaveLength(0);
    await page.click('#tabs button[data-tab="rejected"]');
    await expect.poll(() => page.locator(`article[data-draft="${draft.id}"]`).count()).toBe(1);
  });

  it("says when a ticket's channel is not configured, and shows a contact's timeline", async () => {
    await page.click('#tabs button[data-tab="tickets"]');
    const ticket = page.locator("article.item", { hasText: `lucia.moreno${tag}@` });
    await expect.poll(() => ticket.count()).toBe(1);
    expect(await ticket.locator(".warning").textContent()).toContain("zendesk channel is not configured");
    expect(await ticket.locator("button.approve").isDisabled()).toBe(true);

    // The reviewer corrects the AI's priority from the item.
    const ticketDraft = await db.draft.findFirstOrThrow({
      where: { eventId: (await ticket.getAttribute("data-event"))! },
    });
    await ticket.locator("select").selectOption("normal");
    await ticket.locator("button.save-label").click();
    await expect
      .poll(() =>
        db.eventLabel
          .findFirst({ where: { eventId: ticketDraft.eventId }, orderBy: { id: "desc" } })
          .then((l) => l?.priority),
      )
      .toBe("normal");
    expect((await db.eventLabel.findFirstOrThrow({ where: { eventId: ticketDraft.eventId } })).labelledBy).toBe(
      "maria",
    );

    // Usable on a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });

    // The live accuracy: the correction disagrees with the AI's priority, for this task and model.
    await page.click('#tabs button[data-tab="accuracy"]');
    const row = page.locator("table.accuracy tbody tr", { hasText: "ticket" }).filter({ hasText: "offline-rules" });
    await expect.poll(() => row.count()).toBeGreaterThanOrEqual(1);
    expect(await row.first().locator("td").allTextContents()).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      "ticket",
      "offline-rules",
      expect.stringMatching(/^rules-v\d+$/),
      expect.stringMatching(/^\d+$/),
      expect.stringMatching(/^\d+$/),
      expect.stringMatching(/^\d+%$/),
    ]);

    const contact = await db.contact.findUniqueOrThrow({ where: { email: priya } });
    await page.click('#tabs button[data-tab="sent"]');
    // Opened from the item's link; focus moves to the contact, and comes back to the item on Close.
    await page.locator(`a[data-contact="${contact.id}"]`).first().click();
    await expect.poll(() => page.locator("#contact .timeline li").count()).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate<boolean>("document.activeElement?.closest('#contact') !== null")).toBe(true);
    const timeline = (await page.locator("#contact").textContent()) ?? "";
    expect(timeline).toContain("Kestrel Logistics");
    expect(timeline).toContain("draft_sent");
    if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: "docs/inbox-contact.png" });
    await page.locator("#contact a", { hasText: "Close" }).click();
    await expect.poll(() => page.locator("#contact").isHidden()).toBe(true);
    expect(await page.evaluate<boolean>("document.activeElement?.classList.contains('item')")).toBe(true);
  });

  it("pages the Leads tab with a keyboard-reachable Load more, down to a lead without a draft", async () => {
    await page.click('#tabs button[data-tab="leads"]');
    const items = page.locator("article.item");
    const rosa = page.locator(`article[data-event="evt_${unscored}_${rosaLead.n}"]`);
    await expect.poll(() => items.count()).toBe(50);
    expect(await rosa.count()).toBe(0);
    while ((await rosa.count()) === 0) {
      const shown = await items.count();
      // Tab from the last item's last control reaches the button.
      await items.last().locator("button").last().focus();
      await page.keyboard.press("Tab");
      expect(await page.evaluate<string>("document.activeElement?.id")).toBe("more");
      await page.keyboard.press("Enter");
      await expect.poll(() => items.count()).toBeGreaterThan(shown);
      // Focus lands on the first item of the new page.
      expect(
        await page.evaluate<number>("[...document.querySelectorAll('article.item')].indexOf(document.activeElement)"),
      ).toBe(shown);
    }
    expect(await rosa.textContent()).toContain("Processing failed, so no reply was drafted.");
    expect(await rosa.locator("textarea").count()).toBe(0);
    expect(await rosa.locator("a", { hasText: "See the event" }).getAttribute("href")).toBe(
      `/admin/#evt_${unscored}_${rosaLead.n}`,
    );
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
    // Approving a lead without a draft says so and sends nothing.
    await rosa.click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("a");
    await expect.poll(() => page.locator("#status").textContent()).toBe("No draft to send.");
  });
});
