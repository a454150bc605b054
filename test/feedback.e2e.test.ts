// A reviewer's correction becomes an eval case: a ticket goes through the real API and worker,
// its priority is corrected through the admin API, and `pnpm eval --from-feedback` exports and scores it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Api, createApi } from "@aiops/api";
import {
  builtInSources,
  createDatabase,
  createLogger,
  type Database,
  type PrismaClient,
  signedRequest,
} from "@aiops/shared";
import { TEST_ADMIN_TOKEN, TEST_SECRETS, testConfig } from "@aiops/testing";
import { createWorker, type FleetWorker } from "@aiops/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEvalCli } from "../apps/worker/src/eval/eval-cli.js";

const logger = createLogger({ level: "silent" });
let seq = Math.floor(Math.random() * 1_000_000) * 100;
let env: NodeJS.ProcessEnv;
let api: Api;
let worker: FleetWorker;
let database: Database | undefined;
let db: PrismaClient;
let url: string;
let dir: string;

beforeAll(async () => {
  const platform = testConfig({ WORKER_METRICS_PORT: "0", JOB_BACKOFF_MS: "50" });
  env = platform.env;
  api = createApi(platform.config, { logger, env });
  url = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
  worker = createWorker(platform.config, { logger });
  await worker.start();
  database = createDatabase(platform.config.DATABASE_URL);
  db = database.prisma;
  dir = mkdtempSync(join(tmpdir(), "aiops-feedback-"));
});
afterAll(async () => {
  await worker?.close();
  await api?.close();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function evalCli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runEvalCli(
    argv,
    { ...env, OPENAI_API_KEY: "", LOG_LEVEL: "silent" },
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  );
  return { code, stdout, stderr };
}

describe("feedback becomes evaluation data", () => {
  it("stores a corrected ticket priority and exports it, redacted, as a case that is then scored", async () => {
    const since = new Date(Date.now() - 1000);
    const source = builtInSources.find((s) => s.name === "new-ticket")!;
    const sample = source.sample(++seq * 2 + 1, Date.now()); // odd: the calm invoice question
    const address = `maria.santos+${seq}@example.org`;
    const body = sample.body as { requester: unknown; detail: { description: string } };
    body.requester = { email: address, name: "Maria Santos" };
    body.detail.description = `Hi, I would like to update the billing address on my invoices. Maria Santos, ${address}, +34 612 345 678`;
    const request = signedRequest(source, TEST_SECRETS.ZENDESK_WEBHOOK_SECRET, sample);
    const response = await fetch(`${url}/webhook/new-ticket`, {
      method: "POST",
      headers: request.headers,
      body: request.body,
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await expect
      .poll(() => db.webhookEvent.findUnique({ where: { id } }).then((e) => e?.status), { timeout: 15_000 })
      .toBe("completed");
    const ai = await db.stepResult.findUniqueOrThrow({ where: { eventId_name: { eventId: id, name: "ai.ticket" } } });
    const aiPriority = (ai.output as { priority: string }).priority;
    const corrected = aiPriority === "high" ? "urgent" : "high";

    const labelled = await fetch(`${url}/admin/events/${id}/label`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`lena:${TEST_ADMIN_TOKEN}`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ priority: corrected, draft: "needed_edits" }),
    });
    expect(labelled.status).toBe(200);
    expect(await labelled.json()).toMatchObject({
      priority: corrected,
      draft: "needed_edits",
      labelledBy: "lena",
      ai: { value: aiPriority },
    });
    expect(await db.eventLabel.count({ where: { eventId: id } })).toBe(1);

    const run = await evalCli([
      "--from-feedback",
      "--since",
      since.toISOString(),
      "--out",
      dir,
      "--provider",
      "offline",
      "--task",
      "ticket",
    ]);
    expect(run.stderr).toContain("exported");
    expect(run.code).toBe(0);
    const lines = readFileSync(join(dir, "tickets.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const item = lines.find((line) => line.id === `feedback-${id}`);
    expect(item).toMatchObject({
      label: { priority: corrected },
      input: {
        subject: "How do I change my invoice address?",
        requesterName: "[name]",
        description: "Hi, I would like to update the billing address on my invoices. [name], <EMAIL_1>, <PHONE_1>",
        source: "new-ticket",
      },
    });
    expect(["train", "holdout"]).toContain(item.split);
    // Scored with the worker's own ticket task: the report counts the exported case.
    expect(run.stdout).toMatch(/ticket \(ticket_triage, prompt ticket-v1, .*tickets\.jsonl\)/);
    expect(run.stdout).toContain("accuracy");

    // A later label wins; a --since after it exports nothing.
    await fetch(`${url}/admin/events/${id}/label`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ priority: "low" }),
    });
    await evalCli([
      "--from-feedback",
      "--since",
      since.toISOString(),
      "--out",
      dir,
      "--provider",
      "offline",
      "--task",
      "ticket",
    ]);
    const again = readFileSync(join(dir, "tickets.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(again.find((line) => line.id === `feedback-${id}`)?.label).toEqual({ priority: "low" });
    const future = await evalCli([
      "--from-feedback",
      "--since",
      new Date(Date.now() + 86_400_000).toISOString(),
      "--out",
      dir,
      "--provider",
      "offline",
    ]);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain("no labelled lead or ticket events since that date");
  });

  it("refuses --since without --from-feedback, and a bad date", async () => {
    expect((await evalCli(["--since", "2026-01-01"])).code).toBe(2);
    expect((await evalCli(["--from-feedback", "--since", "last tuesday"])).code).toBe(2);
  });
});
