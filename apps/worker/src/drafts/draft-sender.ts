import { type DraftChannel as ChannelName, draftJobSchema, type PrismaClient } from "@aiops/shared";
import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import { PermanentError } from "../errors/index.js";
import type { DraftChannel } from "./channels/channel.js";
import { draftTargetSchema } from "./draft-record.js";

export interface DraftSenderDeps {
  db: PrismaClient;
  /** The channels whose variables are set. */
  channels: Partial<Record<ChannelName, DraftChannel>>;
  logger: Logger;
}

export type SendResult = { status: "sent"; messageId: string; found: boolean } | { status: "skipped"; reason: string };

/**
 * Sends one approved draft (a job of the drafts queue) through its channel, at most once
 * where the channel allows it:
 * - only a draft still `approved` is sent, and it becomes `sent` by a conditional update, so
 *   a job run twice, or a draft rejected meanwhile, sends nothing more;
 * - the first attempt records when it began (`sendStartedAt`, the "sending" claim); any later
 *   attempt knows an earlier one may have reached the channel, and asks the channel to look
 *   for it first (`earlierAttemptSince`). Zendesk, GitHub and Slack can: exactly once.
 *   SMTP cannot: at least once, with a stable Message-ID.
 */
export class DraftSender {
  constructor(private readonly deps: DraftSenderDeps) {}

  async process(job: Job): Promise<SendResult> {
    const parsed = draftJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not a draft to send: ${parsed.error.message}`);
    const { db } = this.deps;
    const id = parsed.data.draftId;
    const logger = this.deps.logger.child({ draftId: id, attempt: job.attemptsMade + 1 });
    const draft = await db.draft.findUnique({ where: { id } });
    if (!draft) throw new UnrecoverableError(`no draft ${id}`);
    if (draft.status !== "approved") {
      logger.info({ status: draft.status }, "draft not sent: it is not approved (sent already, or rejected)");
      return { status: "skipped", reason: draft.status };
    }
    const claim = await db.draft.updateMany({
      where: { id, status: "approved" },
      data: { sendAttempts: { increment: 1 }, sendStartedAt: draft.sendStartedAt ?? new Date() },
    });
    if (claim.count === 0) return { status: "skipped", reason: "decided meanwhile" };

    try {
      const channel = this.deps.channels[draft.channel as ChannelName];
      if (!channel)
        throw new PermanentError("channel_not_configured", `the ${draft.channel} channel is not configured`);
      const target = draftTargetSchema.parse(draft.target);
      const sent = await channel.send(
        { id, target, recipient: draft.recipient, subject: draft.subject, body: draft.body },
        draft.sendStartedAt ? { earlierAttemptSince: draft.sendStartedAt } : {},
      );
      await db.draft.updateMany({
        where: { id, status: "approved" },
        data: { status: "sent", sentAt: new Date(), channelMessageId: sent.messageId, lastError: null },
      });
      logger.info({ channel: draft.channel, messageId: sent.messageId, found: sent.found ?? false }, "draft sent");
      return { status: "sent", messageId: sent.messageId, found: sent.found ?? false };
    } catch (error) {
      const message = (error as Error).message.slice(0, 4000);
      const permanent = error instanceof PermanentError;
      const exhausted = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await db.draft.updateMany({
        where: { id, status: "approved" },
        data: permanent || exhausted ? { status: "failed", lastError: message } : { lastError: message },
      });
      logger.warn({ err: error, permanent, exhausted }, "draft send failed");
      if (permanent) throw new UnrecoverableError(message);
      throw error;
    }
  }

  /** A job BullMQ failed without the sender seeing it (stalled too often). */
  async failedOutside(draftId: string, reason: string): Promise<void> {
    await this.deps.db.draft.updateMany({
      where: { id: draftId, status: "approved" },
      data: { status: "failed", lastError: reason },
    });
  }
}
