import { type Config, createWorkerConnection, EVENTS_QUEUE, type EventJob, type PrismaClient } from "@aiops/shared";
import { type Job, Worker } from "bullmq";

/** Switches a test flips to make a downstream fail, then "fix" it. */
export interface FakeDownstreams {
  aiDown: boolean;
  crmDown: boolean;
  /** The CRM fails this many more calls, then recovers (a flaky downstream). */
  crmFailures?: number;
}

/**
 * A stand-in for the real worker that keeps its contract with the admin API: the first step
 * records the row; a completed row makes a re-delivery a no-op; each step's success is
 * stored and never repeated; exhausted attempts leave the row `failed` with `lastError`.
 * `calls` counts how often each step really ran.
 */
export function startFakeWorker(config: Config, db: PrismaClient, downstreams: FakeDownstreams) {
  const calls: Record<string, number> = { classify: 0, crm: 0, noop: 0 };

  async function runStep(eventId: string, name: string, run: () => { output: unknown; ai?: boolean }) {
    const done = await db.stepResult.findUnique({ where: { eventId_name: { eventId, name } } });
    if (done?.status === "succeeded") return;
    calls[name] = (calls[name] ?? 0) + 1;
    const attempts = (done?.attempts ?? 0) + 1;
    try {
      const { output, ai } = run();
      const data = {
        status: "succeeded" as const,
        output: output as object,
        error: null,
        attempts,
        durationMs: 12,
        ...(ai && {
          provider: "fake-ai",
          model: "fake-model-1",
          promptTokens: 120,
          completionTokens: 30,
          costUsd: 0.00042,
        }),
      };
      await db.stepResult.upsert({
        where: { eventId_name: { eventId, name } },
        create: { eventId, name, ...data },
        update: data,
      });
    } catch (error) {
      const data = { status: "failed" as const, error: (error as Error).message, attempts };
      await db.stepResult.upsert({
        where: { eventId_name: { eventId, name } },
        create: { eventId, name, ...data },
        update: data,
      });
      throw error;
    }
  }

  async function process(job: Job<EventJob>) {
    const event = job.data;
    const row = await db.webhookEvent.upsert({
      where: { id: event.id },
      create: {
        id: event.id,
        source: event.source,
        providerEventId: event.providerEventId,
        providerType: event.providerType,
        type: event.type,
        payload: event.payload as object,
        receivedAt: new Date(event.receivedAt),
      },
      update: {},
    });
    if (row.status === "completed" || row.status === "ignored") {
      calls.noop! += 1;
      return;
    }
    await db.webhookEvent.update({
      where: { id: event.id },
      data: { status: "processing", attempts: { increment: 1 }, startedAt: new Date() },
    });
    await runStep(event.id, "classify", () => {
      if (downstreams.aiDown) throw new Error("AI provider answered 503 Service Unavailable");
      return {
        output: { category: "hot", urgency: 91, reasons: ["budget approved"], draftReply: "Hello Ada" },
        ai: true,
      };
    });
    await runStep(event.id, "crm", () => {
      if (downstreams.crmDown) throw new Error("CRM answered 502 Bad Gateway");
      if (downstreams.crmFailures) {
        downstreams.crmFailures -= 1;
        throw new Error("CRM timed out");
      }
      return { output: { contact: "ada@example.com", created: true } };
    });
    await db.webhookEvent.update({
      where: { id: event.id },
      data: { status: "completed", finishedAt: new Date(), lastError: null },
    });
  }

  const connection = createWorkerConnection(config);
  const worker = new Worker<EventJob>(EVENTS_QUEUE, process, {
    connection,
    prefix: config.QUEUE_PREFIX,
    concurrency: 10,
  });
  worker.on("error", () => undefined);
  worker.on("failed", async (job, error) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    await db.webhookEvent.update({
      where: { id: job.data.id },
      data: { status: "failed", lastError: error.message, finishedAt: new Date() },
    });
  });
  return {
    calls,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
