// Drafted replies from a signed webhook to the channel they belong to: reviewed through the
// admin API (or Slack's buttons), then sent once through fake Zendesk, GitHub, Slack and SMTP servers.
import { type Api, createApi } from "@aiops/api";
import {
  type Config,
  createDatabase,
  createLogger,
  type Database,
  type Draft,
  type PrismaClient,
  slackScheme,
} from "@aiops/shared";
import {
  FakeGitHub,
  FakeSlackApi,
  FakeSlackWebhook,
  FakeSmtpServer,
  FakeZendesk,
  postSample,
  ServiceProcess,
  TEST_ADMIN_TOKEN,
  TEST_SECRETS,
  testConfig,
} from "@aiops/testing";
import { createWorker, type FleetWorker } from "@aiops/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const logger = createLogger({ level: "silent" });
let seq = Math.floor(Math.random() * 1_000_000) * 100;

const zendesk = new FakeZendesk();
const github = new FakeGitHub();
const slack = new FakeSlackApi();
const notify = new FakeSlackWebhook();
const smtp = new FakeSmtpServer();

interface Platform {
  config: Config;
  api: Api;
  worker: FleetWorker;
  database: Database;
  db: PrismaClient;
  url: string;
}

function platformEnv(overrides: Record<string, string> = {}) {
  return testConfig({
    WORKER_METRICS_PORT: "0",
    JOB_BACKOFF_MS: "50",
    ZENDESK_BASE_URL: zendesk.url,
    ZENDESK_EMAIL: zendesk.email,
    ZENDESK_API_TOKEN: zendesk.token,
    GITHUB_TOKEN: github.token,
    GITHUB_API_URL: github.url,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.apiUrl,
    SLACK_NOTIFY_WEBHOOK_URL: notify.url,
    SMTP_URL: smtp.url,
    MAIL_FROM: "Support <support@example.com>",
    ...overrides,
  });
}

async function startPlatform(overrides: Record<string, string> = {}): Promise<Platform> {
  const { config, env } = platformEnv(overrides);
  const api = createApi(config, { logger, env });
  const port = await api.listen(0, "127.0.0.1");
  const worker = createWorker(config, { logger });
  await worker.start();
  const database = createDatabase(config.DATABASE_URL);
  return { config, api, worker, database, db: database.prisma, url: `http://127.0.0.1:${port}` };
}

async function stopPlatform(platform: Platform | undefined) {
  if (!platform) return;
  await platform.worker.close();
  await platform.api.close();
  await platform.database.close();
}

/** Sends a source's sample, signed as its provider would; waits for the event's draft. */
async function draftFor(
  platform: Platform,
  sourceName: string,
  edit?: (body: any) => void,
): Promise<{ draft: Draft; body: any }> {
  const { response, body } = await postSample(platform.url, sourceName, ++seq, edit);
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  await expect
    .poll(() => platform.db.webhookEvent.findUnique({ where: { id } }).then((e) => e?.status), { timeout: 15_000 })
    .toBe("completed");
  return { draft: await platform.db.draft.findUniqueOrThrow({ where: { eventId: id } }), body };
}

function admin(platform: Platform, path: string, init: { method?: string; body?: unknown; user?: string } = {}) {
  const authorization = init.user
    ? `Basic ${Buffer.from(`${init.user}:${TEST_ADMIN_TOKEN}`).toString("base64")}`
    : `Bearer ${TEST_ADMIN_TOKEN}`;
  return fetch(`${platform.url}/admin${path}`, {
    method: init.method ?? "GET",
    headers: { authorization, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
}

async function settled(platform: Platform, id: string, statuses = ["sent", "failed"]): Promise<Draft> {
  await expect
    .poll(() => platform.db.draft.findUnique({ where: { id } }).then((d) => d?.status), { timeout: 15_000 })
    .toSatisfy((s) => statuses.includes(String(s)));
  return platform.db.draft.findUniqueOrThrow({ where: { id } });
}

/** A ticket the rubric calls urgent: an outage that reaches every customer. */
function outage(body: { detail: { subject: string; description: string } }) {
  body.detail.subject = `Production is down ${seq}`;
  body.detail.description =
    "Our whole production site is down since 09:10, no customer can log in or check out. Please help now.";
}

/** Gives a send that should not happen the time to happen: the drafts queue is drained. */
async function queueIdle(platform: Platform) {
  const { Queue } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const connection = new Redis(platform.config.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("drafts", { connection, prefix: platform.config.QUEUE_PREFIX });
  await expect
    .poll(() => queue.getJobCounts("waiting", "active", "delayed").then((c) => c.waiting! + c.active! + c.delayed!))
    .toBe(0);
  await queue.close();
  connection.disconnect();
}

beforeAll(async () => {
  await Promise.all([zendesk.start(), github.start(), slack.start(), notify.start(), smtp.start()]);
});
afterAll(async () => {
  await Promise.all([zendesk.close(), github.close(), slack.close(), notify.close(), smtp.close()]);
});

describe("drafts reviewed in the admin API, sent once", () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(() => stopPlatform(p));

  it("lists the drafted reply of a Zendesk ticket as pending, sends it as one public comment once approved, and never again", async () => {
    const { draft, body } = await draftFor(p, "new-ticket");
    const ticket = zendesk.ticket(body.detail.id);
    expect(draft).toMatchObject({ type: "ticket", channel: "zendesk", status: "pending" });
    const listed = await admin(p, "/drafts?status=pending&type=ticket&limit=200");
    expect(listed.status).toBe(200);
    expect(listed.body.drafts.map((d: any) => d.id)).toContain(draft.id);
    expect(ticket.comments.filter((c) => c.public)).toHaveLength(0);

    const approved = await admin(p, `/drafts/${draft.id}/approve`, { method: "POST" });
    expect(approved).toEqual({ status: 202, body: { id: draft.id, status: "approved" } });
    const sent = await settled(p, draft.id);
    expect(sent).toMatchObject({ status: "sent", decidedBy: "token", sendAttempts: 1 });
    expect(ticket.comments.filter((c) => c.public).map((c) => c.body)).toEqual([draft.body]);

    const again = await admin(p, `/drafts/${draft.id}/approve`, { method: "POST" });
    expect(again).toEqual({ status: 200, body: { id: draft.id, status: "sent" } });
    await queueIdle(p);
    expect(ticket.comments.filter((c) => c.public)).toHaveLength(1);
    expect((await admin(p, `/drafts/${draft.id}`)).body).toMatchObject({
      id: draft.id,
      status: "sent",
      decidedBy: "token",
    });
  });

  it("sends the reviewer's edit, not the draft, to the GitHub issue, and records who approved", async () => {
    const { draft, body } = await draftFor(p, "github");
    const approved = await admin(p, `/drafts/${draft.id}/approve`, {
      method: "POST",
      body: { body: "Edited: thanks, fixed in 2.0.1." },
      user: "alice",
    });
    expect(approved.status).toBe(202);
    const sent = await settled(p, draft.id);
    expect(sent).toMatchObject({ status: "sent", decidedBy: "alice", body: "Edited: thanks, fixed in 2.0.1." });
    const comments = github.issue("acme/widgets", body.issue.number).comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("Edited: thanks, fixed in 2.0.1.");
    expect(comments[0]!.body).not.toContain(draft.body);
  });

  it("sends nothing for a rejected draft", async () => {
    const { draft } = await draftFor(p, "slack");
    const rejected = await admin(p, `/drafts/${draft.id}/reject`, {
      method: "POST",
      body: { reason: "tone" },
      user: "bob",
    });
    expect(rejected).toEqual({ status: 200, body: { id: draft.id, status: "rejected" } });
    expect((await admin(p, `/drafts/${draft.id}/approve`, { method: "POST" })).status).toBe(409);
    await queueIdle(p);
    expect(slack.messages.filter((m) => m.text === draft.body)).toHaveLength(0);
    expect(await p.db.draft.findUniqueOrThrow({ where: { id: draft.id } })).toMatchObject({
      status: "rejected",
      decidedBy: "bob",
      rejectReason: "tone",
    });
  });

  it("retries a channel that is down twice, then delivers once", async () => {
    const { draft, body } = await draftFor(p, "github");
    github.faults.push("fail", "fail");
    await admin(p, `/drafts/${draft.id}/approve`, { method: "POST" });
    expect(await settled(p, draft.id)).toMatchObject({ status: "sent", sendAttempts: 3 });
    expect(github.issue("acme/widgets", body.issue.number).comments).toHaveLength(1);
  });

  it("does not post twice when a send reached the channel but its answer was lost (Slack, Zendesk, GitHub)", async () => {
    const fromSlack = await draftFor(p, "slack");
    const fromZendesk = await draftFor(p, "new-ticket");
    const fromGithub = await draftFor(p, "github");
    slack.faults.push("lose");
    zendesk.faults.push("lose");
    github.faults.push("lose");
    for (const { draft } of [fromSlack, fromZendesk, fromGithub])
      await admin(p, `/drafts/${draft.id}/approve`, { method: "POST" });
    for (const { draft } of [fromSlack, fromZendesk, fromGithub])
      expect(await settled(p, draft.id)).toMatchObject({ status: "sent", sendAttempts: 2 });
    const ts = fromSlack.body.event.ts as string;
    expect(slack.messages.filter((m) => m.threadTs === ts)).toHaveLength(1);
    expect(zendesk.ticket(fromZendesk.body.detail.id).comments.filter((c) => c.public)).toHaveLength(1);
    expect(github.issue("acme/widgets", fromGithub.body.issue.number).comments).toHaveLength(1);
  });

  it("delivers once when two admins approve at the same moment", async () => {
    const { draft, body } = await draftFor(p, "github");
    const answers = await Promise.all([
      admin(p, `/drafts/${draft.id}/approve`, { method: "POST", user: "alice" }),
      admin(p, `/drafts/${draft.id}/approve`, { method: "POST", user: "bob" }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 202]);
    await settled(p, draft.id);
    await queueIdle(p);
    expect(github.issue("acme/widgets", body.issue.number).comments).toHaveLength(1);
  });

  it("emails a lead's approved reply with a Message-ID stable per draft", async () => {
    const { draft, body } = await draftFor(p, "new-lead");
    expect(draft).toMatchObject({ channel: "email", recipient: body.email.toLowerCase() });
    await admin(p, `/drafts/${draft.id}/approve`, { method: "POST" });
    const sent = await settled(p, draft.id);
    const mails = smtp.mails.filter((m) => m.to.includes(body.email.toLowerCase()));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.messageId).toBe(`<draft-${draft.id}@example.com>`);
    expect(sent.channelMessageId).toBe(mails[0]!.messageId);
  });

  it("retries an email the SMTP server refused for now, with the same Message-ID", async () => {
    const { draft, body } = await draftFor(p, "new-lead");
    smtp.failures.push(451);
    await admin(p, `/drafts/${draft.id}/approve`, { method: "POST" });
    expect(await settled(p, draft.id)).toMatchObject({ status: "sent", sendAttempts: 2 });
    const mails = smtp.mails.filter((m) => m.to.includes(body.email.toLowerCase()));
    expect(mails.map((m) => m.messageId)).toEqual([`<draft-${draft.id}@example.com>`]);
  });

  it("pages through drafts newest first, and refuses a bad filter", async () => {
    const first = await admin(p, "/drafts?limit=2");
    expect(first.status).toBe(200);
    expect(first.body.drafts).toHaveLength(2);
    const second = await admin(p, `/drafts?limit=2&cursor=${first.body.nextCursor}`);
    const all = [...first.body.drafts, ...second.body.drafts];
    expect(new Set(all.map((d: any) => d.id)).size).toBe(all.length);
    const times = all.map((d: any) => d.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await admin(p, "/drafts?status=maybe")).status).toBe(400);
    expect((await fetch(`${p.url}/admin/drafts`)).status).toBe(401);
    // Basic auth is what a browser replays by itself: a cross-site approval is refused.
    const crossSite = await fetch(`${p.url}/admin/drafts/${all[0].id}/approve`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`eve:${TEST_ADMIN_TOKEN}`).toString("base64")}`,
        origin: "https://evil.example",
      },
    });
    expect(crossSite.status).toBe(403);
  });

  it("answers 409 channel_not_configured for a draft with nowhere to go, and 404 for no draft", async () => {
    const { draft } = await draftFor(p, "payment", (b) => {
      b.type = "payment_intent.payment_failed";
      delete b.data.object.receipt_email;
    });
    expect(draft.channel).toBe("none");
    const answer = await admin(p, `/drafts/${draft.id}/approve`, { method: "POST" });
    expect(answer).toMatchObject({ status: 409, body: { error: "channel_not_configured" } });
    expect((await p.db.draft.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("pending");
    expect((await admin(p, "/drafts/not-a-draft")).status).toBe(404);
    expect((await admin(p, `/drafts/${draft.id}/approve`, { method: "POST", body: { body: 42 } })).status).toBe(400);
  });
});

describe("approval from Slack", () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(() => stopPlatform(p));

  function interaction(draftId: string, action: string, headers?: Record<string, string>) {
    const payload = {
      type: "block_actions",
      user: { id: "U123", username: "carol" },
      actions: [{ action_id: action, value: draftId }],
      response_url: slack.responseUrl,
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const signed =
      headers ?? slackScheme.sign(Buffer.from(body), TEST_SECRETS.SLACK_SIGNING_SECRET, { now: Date.now() });
    return fetch(`${p.url}/slack/interactions`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signed },
      body,
    });
  }

  it("puts Approve and Reject buttons on the notification of an urgent ticket with a pending draft", async () => {
    const { draft } = await draftFor(p, "new-ticket", outage);
    const request = notify.requests.find((r) => r.body.includes(draft.id));
    expect(request).toBeDefined();
    const actions = (JSON.parse(request!.body).blocks as any[]).find((b) => b.type === "actions");
    expect(actions.elements.map((e: any) => [e.action_id, e.value])).toEqual([
      ["draft_approve", draft.id],
      ["draft_reject", draft.id],
    ]);
  });

  it("approves a draft from a signed interaction as the Slack user, and updates the message", async () => {
    const { draft, body } = await draftFor(p, "github");
    const response = await interaction(draft.id, "draft_approve");
    expect(response.status).toBe(200);
    expect(await settled(p, draft.id)).toMatchObject({ status: "sent", decidedBy: "slack:carol" });
    expect(github.issue("acme/widgets", body.issue.number).comments).toHaveLength(1);
    await expect
      .poll(() => slack.responses.some((r) => r.replace_original === true && String(r.text).includes("approved")))
      .toBe(true);
  });

  it("refuses an unsigned or stale interaction and decides nothing", async () => {
    const { draft } = await draftFor(p, "github");
    expect((await interaction(draft.id, "draft_approve", {})).status).toBe(401);
    const stale = slackScheme.sign(Buffer.from("x"), TEST_SECRETS.SLACK_SIGNING_SECRET, {
      now: Date.now() - 3_600_000,
    });
    expect((await interaction(draft.id, "draft_approve", stale)).status).toBe(401);
    expect((await p.db.draft.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("pending");
  });
});

describe("AUTO_SEND", () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform({ AUTO_SEND: "ticket:urgent" });
  });
  afterAll(() => stopPlatform(p));

  it("sends the kinds it names without review, and leaves the others pending", async () => {
    const urgent = await draftFor(p, "new-ticket", outage);
    const other = await draftFor(p, "new-ticket", (b) => {
      b.detail.subject = "How do I change my invoice address?";
      b.detail.description = "Hi, I would like to update the billing address on my invoices. Thanks!";
    });
    expect(urgent.draft).toMatchObject({
      kind: "ticket:urgent",
      status: expect.stringMatching(/approved|sent/),
      decidedBy: "auto",
    });
    expect(await settled(p, urgent.draft.id)).toMatchObject({ status: "sent" });
    expect(zendesk.ticket(urgent.body.detail.id).comments.filter((c) => c.public)).toHaveLength(1);
    expect(other.draft.kind).not.toBe("ticket:urgent");
    await queueIdle(p);
    expect(await p.db.draft.findUniqueOrThrow({ where: { id: other.draft.id } })).toMatchObject({
      status: "pending",
      decidedBy: null,
    });
    expect(zendesk.ticket(other.body.detail.id).comments.filter((c) => c.public)).toHaveLength(0);
  });
});

describe("a sender killed mid-send", () => {
  it("delivers once: the worker that takes the job over finds the comment the dead one posted", async () => {
    // The drafts job runs in a worker process of its own, killed while GitHub holds its request.
    const first = await startPlatform({ JOB_LOCK_MS: "1000" });
    const { draft, body } = await draftFor(first, "github");
    await first.worker.close();
    const child = new ServiceProcess("worker", { ...platformEnv().env, ...pick(first.config), JOB_LOCK_MS: "1000" });
    let replacement: FleetWorker | undefined;
    try {
      await child.ready();
      github.faults.push("hang");
      expect((await admin(first, `/drafts/${draft.id}/approve`, { method: "POST" })).status).toBe(202);
      const comments = github.issue("acme/widgets", body.issue.number).comments;
      await expect.poll(() => comments.length, { timeout: 15_000 }).toBe(1);
      child.kill("SIGKILL");
      await child.exited;
      expect((await first.db.draft.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("approved");

      replacement = createWorker(first.config, { logger });
      await replacement.start();
      // At least one more attempt than the killed one; a slow machine can add a stalled-job retry,
      // which must find the comment just the same.
      const sent = await settled(first, draft.id);
      expect(sent).toMatchObject({ status: "sent" });
      expect(sent.sendAttempts).toBeGreaterThanOrEqual(2);
      expect(comments).toHaveLength(1);
      expect(
        github.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/issues/${body.issue.number}/comments`)),
      ).toHaveLength(1);
    } finally {
      child.kill("SIGKILL");
      await replacement?.close();
      await first.api.close();
      await first.database.close();
    }
  }, 60_000);
});

/** The variables a second process needs to share the platform's queues and database. */
function pick(config: Config): Record<string, string> {
  return {
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    WORKER_METRICS_PORT: "0",
  };
}
