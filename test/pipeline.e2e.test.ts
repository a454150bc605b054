// From a provider-signed request, through the real API and a worker, to CRM rows carrying the AI's fields.
import { type Api, createApi } from "@aiops/api";
import {
  builtInSources,
  type Config,
  createDatabase,
  createLogger,
  type Database,
  type PrismaClient,
  signedRequest,
} from "@aiops/shared";
import { FakeOpenAiServer, postSample, TEST_SECRETS, testConfig } from "@aiops/testing";
import { createWorker, type FleetWorker } from "@aiops/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const logger = createLogger({ level: "silent" });
let seq = Math.floor(Math.random() * 1_000_000) * 100;

interface Platform {
  config: Config;
  api: Api;
  worker: FleetWorker;
  database: Database;
  db: PrismaClient;
  url: string;
}

async function startPlatform(overrides: Record<string, string> = {}): Promise<Platform> {
  const { config, env } = testConfig({ WORKER_METRICS_PORT: "0", ...overrides });
  const api = createApi(config, { logger, env });
  const port = await api.listen(0, "127.0.0.1");
  const worker = createWorker(config, { logger });
  await worker.start();
  const database = createDatabase(config.DATABASE_URL);
  return { config, api, worker, database, db: database.prisma, url: `http://127.0.0.1:${port}` };
}

async function stopPlatform(platform: Platform) {
  await platform.worker.close();
  await platform.api.close();
  await platform.database.close();
}

/** Sends a source's sample, signed as its provider would; `edit` changes the body first. */
async function send(platform: Platform, sourceName: string, edit?: (body: any) => void) {
  const { response, body } = await postSample(platform.url, sourceName, ++seq, edit);
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  return { id, body };
}

async function completed(platform: Platform, id: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const row = await platform.db.webhookEvent.findUnique({ where: { id }, include: { steps: true } });
    if (row && ["completed", "failed", "ignored"].includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`event ${id} not finished: ${row?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function describeEndToEnd(
  name: string,
  expected: { provider: string; model: string },
  overrides: () => Record<string, string>,
) {
  describe(`end to end, ${name}`, () => {
    let platform: Platform;
    beforeAll(async () => {
      platform = await startPlatform(overrides());
    });
    afterAll(() => stopPlatform(platform));

    it("lead: a signed form submission becomes a contact with category and score", async () => {
      const { id, body } = await send(
        platform,
        "new-lead",
        (b) => (b.message = `We need a quote for 200 seats this week ${seq}`),
      );
      const event = await completed(platform, id);
      expect(event.status).toBe("completed");
      expect(event.steps.find((s) => s.name === "ai.lead")).toMatchObject(expected);
      const contact = await platform.db.contact.findUniqueOrThrow({ where: { email: body.email } });
      expect(contact.category).toBe("hot");
      expect(contact.score).toBeGreaterThanOrEqual(60);
    });

    it("ticket: a Zendesk ticket.created becomes a triaged ticket", async () => {
      const { id, body } = await send(
        platform,
        "new-ticket",
        (b) => (b.detail.subject = `Production is down for everyone ${seq}`),
      );
      expect((await completed(platform, id)).status).toBe("completed");
      const ticket = await platform.db.ticket.findUniqueOrThrow({
        where: { source_externalId: { source: "new-ticket", externalId: String(body.detail.id) } },
      });
      expect(ticket.priority).toBe("urgent");
      expect(ticket.summary).toBeTruthy();
      expect(ticket.draftReply).toBeTruthy();
    });

    it("payment: a Stripe dispute becomes a payment with a risk and a drafted message", async () => {
      const { id, body } = await send(platform, "payment", (b) => {
        b.type = "charge.dispute.created";
        b.data.object = {
          id: `du_${seq}`,
          object: "dispute",
          amount: 4900,
          currency: "usd",
          reason: "fraudulent",
          status: "needs_response",
          evidence: { customer_email_address: `disputer${seq}@example.com` },
        };
      });
      const event = await completed(platform, id);
      expect(event.status).toBe("completed");
      expect(event.steps.find((s) => s.name === "ai.payment")).toMatchObject(expected);
      const payment = await platform.db.payment.findUniqueOrThrow({
        where: { source_externalId: { source: "payment", externalId: body.data.object.id } },
      });
      expect(payment).toMatchObject({ status: "disputed", risk: "high", amount: 4900 });
      expect(payment.draftMessage).toBeTruthy();
      const contact = await platform.db.contact.findUniqueOrThrow({
        where: { email: `disputer${seq}@example.com` },
        include: { activities: true },
      });
      expect(contact.activities.map((a) => a.kind)).toEqual(["payment.disputed"]);
    });

    it("a provider's retry of a processed event is answered as a duplicate and changes nothing", async () => {
      const source = builtInSources.find((s) => s.name === "new-lead")!;
      const sample = source.sample(++seq, Date.now());
      const request = signedRequest(source, TEST_SECRETS.LEAD_WEBHOOK_SECRET, sample);
      const post = () =>
        fetch(`${platform.url}/webhook/new-lead`, { method: "POST", headers: request.headers, body: request.body });
      const { id } = (await (await post()).json()) as { id: string };
      await completed(platform, id);
      const again = await post();
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ id, duplicate: true });
      expect(await platform.db.activity.count({ where: { eventId: id } })).toBe(1);
    });
  });
}

describeEndToEnd("offline rules provider", { provider: "offline-rules", model: "rules-v6" }, () => ({}));

const fake = new FakeOpenAiServer();
beforeAll(async () => {
  await fake.start();
});
afterAll(() => fake.close());
describeEndToEnd("fake OpenAI server", { provider: "openai", model: "gpt-4o-mini" }, () => ({
  OPENAI_API_KEY: "test-openai-key",
  OPENAI_BASE_URL: fake.baseURL,
  OPENAI_MODEL: "gpt-4o-mini",
}));
