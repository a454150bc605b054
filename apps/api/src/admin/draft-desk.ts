import {
  AppError,
  type Config,
  channelConfigured,
  DRAFT_SEND_JOB,
  type Draft,
  type DraftJob,
  draftJobOptions,
  draftStatuses,
  eventTypeSchema,
  type Logger,
  type Prisma,
  type PrismaClient,
} from "@aiops/shared";
import type { Queue } from "bullmq";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./cursor.js";

const blankAsUndefined = (value: unknown) => (value === "" ? undefined : value);

export const draftListQuerySchema = z.object({
  status: z.preprocess(blankAsUndefined, z.enum(draftStatuses).optional()),
  type: z.preprocess(blankAsUndefined, eventTypeSchema.exclude(["ignored"]).optional()),
  limit: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).max(200).default(50)),
  cursor: z.preprocess(blankAsUndefined, z.string().max(1000).optional()),
});
export type DraftListQuery = z.infer<typeof draftListQuerySchema>;

export const approveBodySchema = z.strictObject({ body: z.string().trim().min(1).max(20_000).optional() });
export const rejectBodySchema = z.strictObject({ reason: z.string().trim().max(2_000).optional() });

/** A draft as the admin API shows it. */
export interface DraftView {
  id: string;
  eventId: string;
  type: string;
  kind: string;
  channel: string;
  recipient: string | null;
  subject: string;
  body: string;
  reasons: unknown;
  status: string;
  decidedBy: string | null;
  decidedAt: string | null;
  rejectReason: string | null;
  sentAt: string | null;
  channelMessageId: string | null;
  sendAttempts: number;
  lastError: string | null;
  createdAt: string;
}

export function draftView(draft: Draft): DraftView {
  return {
    id: draft.id,
    eventId: draft.eventId,
    type: draft.type,
    kind: draft.kind,
    channel: draft.channel,
    recipient: draft.recipient,
    subject: draft.subject,
    body: draft.body,
    reasons: draft.reasons,
    status: draft.status,
    decidedBy: draft.decidedBy,
    decidedAt: draft.decidedAt?.toISOString() ?? null,
    rejectReason: draft.rejectReason,
    sentAt: draft.sentAt?.toISOString() ?? null,
    channelMessageId: draft.channelMessageId,
    sendAttempts: draft.sendAttempts,
    lastError: draft.lastError,
    createdAt: draft.createdAt.toISOString(),
  };
}

export interface Decision {
  status: number;
  body: { id: string; status: string };
}

/**
 * Reviews drafts: lists them, approves (then hands them to the sender's queue) and rejects.
 * A decision is one conditional UPDATE from `pending`, so two reviewers deciding at once
 * decide once; the loser is told the draft's current status.
 */
export class DraftDesk {
  constructor(private readonly deps: { db: PrismaClient; queue: Queue<DraftJob>; config: Config; logger: Logger }) {}

  async list(query: DraftListQuery): Promise<{ drafts: DraftView[]; nextCursor: string | null }> {
    const where: Prisma.DraftWhereInput = {
      ...(query.status && { status: query.status }),
      ...(query.type && { type: query.type }),
    };
    if (query.cursor) {
      const { receivedAt: createdAt, id } = decodeCursor(query.cursor);
      where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }];
    }
    const rows = await this.deps.db.draft.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      drafts: page.map(draftView),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ receivedAt: last.createdAt, id: last.id }) : null,
    };
  }

  async get(id: string): Promise<DraftView> {
    return draftView(await this.find(id));
  }

  async approve(id: string, edit: z.infer<typeof approveBodySchema>, actor: string): Promise<Decision> {
    const draft = await this.find(id);
    if (!channelConfigured(this.deps.config, draft.channel))
      throw new AppError(
        "channel_not_configured",
        `the draft's channel (${draft.channel}) is not configured: set its variables, see the README`,
      );
    const { count } = await this.deps.db.draft.updateMany({
      where: { id, status: "pending" },
      data: {
        status: "approved",
        decidedBy: actor,
        decidedAt: new Date(),
        ...(edit.body !== undefined && { body: edit.body }),
      },
    });
    if (count === 1) {
      await this.enqueue(id);
      this.deps.logger.info({ draftId: id, actor, edited: edit.body !== undefined }, "draft approved");
      return { status: 202, body: { id, status: "approved" } };
    }
    const current = await this.find(id);
    if (current.status === "approved") {
      // The approval's job may have been lost (Redis away right after the update): adding it
      // again is a no-op while it exists, and the sender sends only an approved draft once.
      await this.enqueue(id);
      return { status: 200, body: { id, status: current.status } };
    }
    if (current.status === "sent") return { status: 200, body: { id, status: current.status } };
    throw new AppError("conflict", `draft ${id} is ${current.status}; only a pending draft can be approved`);
  }

  async reject(id: string, input: z.infer<typeof rejectBodySchema>, actor: string): Promise<Decision> {
    await this.find(id);
    const { count } = await this.deps.db.draft.updateMany({
      where: { id, status: "pending" },
      data: { status: "rejected", decidedBy: actor, decidedAt: new Date(), rejectReason: input.reason ?? null },
    });
    if (count === 1) {
      this.deps.logger.info({ draftId: id, actor }, "draft rejected");
      return { status: 200, body: { id, status: "rejected" } };
    }
    const current = await this.find(id);
    if (current.status === "rejected") return { status: 200, body: { id, status: current.status } };
    throw new AppError("conflict", `draft ${id} is ${current.status}; only a pending draft can be rejected`);
  }

  private async enqueue(id: string): Promise<void> {
    await this.deps.queue.add(DRAFT_SEND_JOB, { draftId: id }, draftJobOptions(this.deps.config, id));
  }

  private async find(id: string): Promise<Draft> {
    const draft = z.uuid().safeParse(id).success ? await this.deps.db.draft.findUnique({ where: { id } }) : null;
    if (!draft) throw new AppError("not_found", `no draft ${id}`);
    return draft;
  }
}
