import { freshDatabase } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpsHarness, startOpsApi } from "./harness.js";

interface Item {
  eventId: string;
  status: string;
  arrivedAt: string;
  draft: { id: string; status: string; createdAt: string } | null;
  ai: { verdict: string | null; urgency: number | null };
}

/**
 * The inbox's tabs over the admin API, against rows of this suite's own source in the shared
 * database: what each tab holds, its order, and that paging visits every item once.
 */
describe("the operations inbox's items", () => {
  let h: OpsHarness;
  const idOf = (seed: string) => `evt_${h.source}_${seed}`;
  const DAY = 86_400_000;

  /** Every item of a tab, page by page, checking that no item comes twice. */
  async function allPages(
    tab: string,
    limit: number,
    filters: Record<string, string> = {},
  ): Promise<{ items: Item[]; pages: number }> {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams({ tab, limit: String(limit), ...filters, ...(cursor && { cursor }) });
      const res = await h.admin(`/admin/inbox/items?${query}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 1000);
    expect(new Set(items.map((item) => item.eventId)).size).toBe(items.length);
    return { items, pages };
  }
  const mine = (items: Item[]) => items.filter((item) => item.eventId.startsWith(`evt_${h.source}_`));

  beforeAll(async () => {
    // Tabs are read whole, page by page: a database of its own keeps other suites' rows out.
    h = await startOpsApi({ DATABASE_URL: await freshDatabase("admin_inbox") });
    const db = h.api.db;
    // seed, type, urgency or priority, draft status (none: no draft), received days ago, event status
    const seeds = [
      ["hot", "lead", 90, "pending", 20, "completed"],
      ["warm", "lead", 55, "pending", 0, "completed"],
      ["undrafted", "lead", 70, null, 1, "completed"],
      ["failed", "lead", null, null, 0, "failed"],
      ["old-undrafted", "lead", 95, null, 30, "completed"],
      ["answered", "lead", 99, "sent", 0, "completed"],
      ["low", "ticket", "low", "pending", 3, "completed"],
      ["urgent-new", "ticket", "urgent", "pending", 0, "completed"],
      ["urgent-old", "ticket", "urgent", "pending", 2, "completed"],
    ] as const;
    for (const [seed, type, score, draft, daysAgo, status] of seeds) {
      const receivedAt = new Date(Date.now() - daysAgo * DAY);
      await db.webhookEvent.create({
        data: {
          id: idOf(seed),
          source: h.source,
          providerEventId: seed,
          type,
          status,
          receivedAt,
          payload: { name: `Person ${seed}`, email: `${seed}@${h.source}.example`, message: `About ${seed}` },
        },
      });
      if (score !== null)
        await db.stepResult.create({
          data: {
            eventId: idOf(seed),
            name: `ai.${type}`,
            status: "succeeded",
            output: type === "lead" ? { category: "warm", urgency: score, reasons: [] } : { priority: score },
            provider: "openai",
            model: "gpt-4o-mini",
          },
        });
      if (draft)
        await db.draft.create({
          data: {
            eventId: idOf(seed),
            type,
            kind: `${type}:x`,
            channel: "email",
            target: { email: `${seed}@${h.source}.example` },
            recipient: `${seed}@${h.source}.example`,
            subject: `Re: ${seed}`,
            body: "Hello",
            reasons: [],
            status: draft,
            createdAt: receivedAt,
            ...(draft === "sent" && { decidedAt: new Date(), decidedBy: "maria", sentAt: new Date() }),
          },
        });
    }
  }, 120_000);
  afterAll(async () => {
    await h.api.db.webhookEvent.deleteMany({ where: { source: h.source } });
    await h.close();
  });

  it("lists pending lead drafts and recent leads without a draft, most urgent first, over pages", async () => {
    const { items, pages } = await allPages("leads", 2);
    expect(pages).toBeGreaterThanOrEqual(2); // four of its own items, two a page
    expect(mine(items).map((item) => item.eventId)).toEqual(
      ["hot", "undrafted", "warm", "failed"].map((seed) => idOf(seed)),
    );
    // The whole tab, not only this suite's rows, is in urgency order (no urgency: last).
    const urgencies = items.map((item) => item.ai.urgency ?? -1);
    expect(urgencies).toEqual([...urgencies].sort((a, b) => b - a));
    const undrafted = items.find((item) => item.eventId === idOf("undrafted"));
    expect(undrafted).toMatchObject({ draft: null, status: "completed", ai: { urgency: 70 } });
    expect(items.find((item) => item.eventId === idOf("failed"))).toMatchObject({ draft: null, status: "failed" });
  });

  it("lists pending ticket drafts by priority, then the longest waiting, one per page", async () => {
    const { items } = await allPages("tickets", 1);
    expect(mine(items).map((item) => item.eventId)).toEqual(
      ["urgent-old", "urgent-new", "low"].map((seed) => idOf(seed)),
    );
  });

  it("moves a lead whose draft was sent from Leads to Sent", async () => {
    const sent = await allPages("sent", 100);
    expect(mine(sent.items).map((item) => item.eventId)).toEqual([idOf("answered")]);
  });

  it("answers only what entered a tab since a given time, for the page's 'new items' count", async () => {
    const since = (at: Date) => allPages("leads", 100, { since: at.toISOString() });
    const recent = await since(new Date(Date.now() - 12 * 3600_000));
    expect(mine(recent.items).map((item: Item) => item.eventId)).toEqual([idOf("warm"), idOf("failed")]);
    expect(mine((await since(new Date(Date.now() + 60_000))).items)).toEqual([]);
    const first = await h.admin(`/admin/inbox/items?tab=leads&since=${new Date().toISOString()}`);
    expect(Date.parse(first.body.asOf)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuses a cursor it did not give out, or one from another tab", async () => {
    const first = await h.admin("/admin/inbox/items?tab=leads&limit=1");
    expect(first.body.nextCursor).toEqual(expect.any(String));
    for (const query of [
      "tab=leads&cursor=bm90LWEtY3Vyc29y",
      `tab=sent&cursor=${first.body.nextCursor}`,
      "tab=leads&limit=0",
      "tab=leads&limit=101",
      "tab=leads&since=yesterday",
    ]) {
      const res = await h.admin(`/admin/inbox/items?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toBe("invalid_request");
    }
  });
});
