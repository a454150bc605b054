// Erasure on request, end to end: a person's lead, ticket and payment go through the real
// API and worker (drafts included, one sent by email), then POST /admin/erasure removes them;
// every text and JSON column of every table is scanned for the address afterwards.
import { createHash, createHmac } from "node:crypto";
import { type Api, createApi } from "@aiops/api";
import {
  type Config,
  createDatabase,
  createEventsQueue,
  createLogger,
  type Database,
  type PrismaClient,
} from "@aiops/shared";
import { FakeSmtpServer, postSample, TEST_ADMIN_TOKEN, testConfig } from "@aiops/testing";
import { createWorker, type FleetWorker } from "@aiops/worker";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const logger = createLogger({ level: "silent" });
const smtp = new FakeSmtpServer();
let seq = Math.floor(Math.random() * 1_000_000) * 100;

let config: Config;
let api: Api;
let worker: FleetWorker;
let database: Database | undefined;
let db: PrismaClient;
let url: string;

beforeAll(async () => {
  await smtp.start();
  ({ config } = testConfig({
    WORKER_METRICS_PORT: "0",
    JOB_BACKOFF_MS: "50",
    SMTP_URL: smtp.url,
    MAIL_FROM: "Sales <sales@example.com>",
  }));
  const { env } = testConfig({
    WORKER_METRICS_PORT: "0",
    JOB_BACKOFF_MS: "50",
    SMTP_URL: smtp.url,
    MAIL_FROM: "Sales <sales@example.com>",
    QUEUE_PREFIX: config.QUEUE_PREFIX,
  });
  api = createApi(config, { logger, env });
  url = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
  worker = createWorker(config, { logger });
  await worker.start();
  database = createDatabase(config.DATABASE_URL);
  db = database.prisma;
});
afterAll(async () => {
  await worker?.close();
  await api?.close();
  await database?.close();
  await smtp.close();
});

/** Sends a source's sample (changed by `edit`) signed as its provider would; waits until it is processed. */
async function deliver(sourceName: string, edit: (body: any) => void): Promise<string> {
  const { response } = await postSample(url, sourceName, ++seq, edit);
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  await expect
    .poll(() => db.webhookEvent.findUnique({ where: { id } }).then((e) => e?.status), { timeout: 15_000 })
    .toBe("completed");
  return id;
}

function admin(path: string, body: unknown) {
  return fetch(`${url}/admin${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
}

/** Every text, varchar, json and jsonb column of every table in the schema that holds `needle`, with its count. */
async function scan(needle: string): Promise<Record<string, number>> {
  const columns = await db.$queryRaw<Array<{ table: string; column: string }>>`
    SELECT table_name::text AS table, column_name::text AS column FROM information_schema.columns
    WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb')`;
  expect(columns.length).toBeGreaterThan(30);
  const hits: Record<string, number> = {};
  for (const { table, column } of columns) {
    const [row] = await db.$queryRawUnsafe<Array<{ n: bigint }>>(
      `SELECT count(*) AS n FROM "${table}" WHERE "${column}"::text ILIKE $1`,
      `%${needle.replace(/[\\%_]/g, "\\$&")}%`,
    );
    if (row && row.n > 0n) hits[`${table}.${column}`] = Number(row.n);
  }
  return hits;
}

describe("erasure on request", () => {
  it("removes a person's lead, ticket, payment and drafts so that no column holds the address", async () => {
    const address = `jane.doe+${seq}@example.org`;
    const other = `someone.else+${seq}@example.org`;
    const company = `Doe Freight ${seq}`;
    const shouted = address.toUpperCase().replace("EXAMPLE.ORG", "Example.org");

    const lead = await deliver("new-lead", (body) => {
      Object.assign(body, { email: address, name: "Jane Doe", company, phone: "+44 20 7946 0958" });
      body.message = `We need a quote for 500 seats this week, budget approved. Write to ${address} or call me.`;
    });
    const ticket = await deliver("new-ticket", (body) => {
      body.requester = { email: shouted, name: "Jane Doe" };
      body.detail.description = `Since 09:00 checkout is down. Reply to ${address} please.`;
    });
    const payment = await deliver("payment", (body) => {
      body.type = "payment_intent.payment_failed";
      Object.assign(body.data.object, {
        receipt_email: address,
        status: "requires_payment_method",
        last_payment_error: { code: "card_declined", message: "declined" },
      });
    });
    const bystander = await deliver("new-lead", (body) => Object.assign(body, { email: other, name: "Someone Else" }));

    // One of the drafts is approved and sent by email first.
    const leadDraft = await db.draft.findUniqueOrThrow({ where: { eventId: lead } });
    expect(leadDraft).toMatchObject({ channel: "email", recipient: address });
    expect((await admin(`/drafts/${leadDraft.id}/approve`, {})).status).toBe(202);
    await expect
      .poll(() => db.draft.findUnique({ where: { id: leadDraft.id } }).then((d) => d?.status), { timeout: 15_000 })
      .toBe("sent");
    expect(await db.draft.count({ where: { eventId: { in: [ticket, payment] } } })).toBe(2);

    const events = createEventsQueue(config, new Redis(config.REDIS_URL, { maxRetriesPerRequest: null }));
    expect(await events.getJob(lead)).toBeDefined();

    // The address is everywhere before: the scan can find it.
    const before = await scan(address);
    if (process.env.SHOW_SCAN) process.stderr.write(`${JSON.stringify(before)}\n`);
    for (const column of ["contacts.email", "webhook_events.payload", "drafts.recipient", "drafts.target"])
      expect(Object.keys(before), column).toContain(column);

    expect(Object.keys(await scan(company))).toContain("contacts.company");
    // A row no targeted step knows: a colleague's ticket that quotes the address.
    await db.ticket.create({
      data: { source: "manual", externalId: `fwd-${seq}`, subject: `Forwarded: ${shouted} asked about pricing` },
    });

    const res = await admin("/erasure", { email: ` ${shouted} ` });
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({ contacts: 1, drafts: 3, webhook_events: 3, payments: 1, tickets: 1 });
    expect(res.body.counts.activities).toBeGreaterThanOrEqual(3);
    expect(res.body.queue.removed).toBe(3);
    expect(res.body.swept).toEqual({ "tickets.subject": 1 });

    expect(await scan(address)).toEqual({});
    expect(await scan(company)).toEqual({});
    expect(await events.getJob(lead)).toBeUndefined();
    expect(await events.getJob(bystander)).toBeDefined();
    await events.close();

    // The rows that keep de-duplication stay; the bystander is untouched.
    expect(
      await db.webhookEvent.count({
        where: { id: { in: [lead, ticket, payment] }, payload: { equals: null as never } },
      }),
    ).toBe(0);
    expect((await db.webhookEvent.findUniqueOrThrow({ where: { id: lead } })).payloadPrunedAt).not.toBeNull();
    expect(await db.contact.findUnique({ where: { email: other } })).not.toBeNull();
    expect((await db.webhookEvent.findUniqueOrThrow({ where: { id: bystander } })).payload).not.toBeNull();

    // The audit names the erasure by a keyed hash of the address, never the address.
    const key = createHash("sha256").update(`aiops-erasure:${TEST_ADMIN_TOKEN}`).digest("hex");
    const audit = await db.erasureAudit.findUniqueOrThrow({ where: { id: res.body.auditId } });
    expect(audit.subjectHash).toBe(createHmac("sha256", key).update(address).digest("hex"));
    expect(audit).toMatchObject({ requestedBy: "token" });

    // Erasing again finds nothing more.
    const again = await admin("/erasure", { email: address });
    expect(again.body.counts).toMatchObject({ contacts: 0, drafts: 0, webhook_events: 0 });
  });

  it("refuses a body without a valid address and changes nothing", async () => {
    const audits = await db.erasureAudit.count();
    for (const body of [{}, { email: "not-an-address" }, { email: "a@b.co", extra: true }]) {
      const res = await admin("/erasure", body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("invalid_payload");
    }
    expect(await db.erasureAudit.count()).toBe(audits);
  });
});
