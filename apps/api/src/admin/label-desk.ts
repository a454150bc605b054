import {
  AppError,
  draftVerdicts,
  type EventLabel,
  labelledSteps,
  leadCategories,
  type PrismaClient,
  ticketPriorities,
} from "@aiops/shared";
import { z } from "zod";
import { validationDetails } from "../http/validation.js";

export const labelBodySchema = z
  .strictObject({
    category: z.enum(leadCategories).optional(),
    priority: z.enum(ticketPriorities).optional(),
    draft: z.enum(draftVerdicts).optional(),
  })
  .refine(
    (body) => Object.values(body).some((value) => value !== undefined),
    "give a category, a priority or a draft verdict",
  );
export type LabelBody = z.infer<typeof labelBodySchema>;

/** A label as the admin API shows it. */
export interface LabelView {
  eventId: string;
  type: string;
  category: string | null;
  priority: string | null;
  draft: string | null;
  /** What the AI answered for the labelled field, and which provider and model answered. */
  ai: { value: string | null; provider: string | null; model: string | null };
  labelledBy: string;
  labelledAt: string;
}

export function labelView(label: EventLabel): LabelView {
  return {
    eventId: label.eventId,
    type: label.type,
    category: label.category,
    priority: label.priority,
    draft: label.draft,
    ai: { value: label.aiValue, provider: label.provider, model: label.model },
    labelledBy: label.labelledBy,
    labelledAt: label.createdAt.toISOString(),
  };
}

function invalid(message: string, path: string): AppError {
  return new AppError("invalid_payload", message, [{ path, message }]);
}

/**
 * Reviewers' corrections of the AI. Each correction appends a row holding the whole label
 * (fields not given are carried over from the previous one), so the newest row is the label
 * and nothing a reviewer said is overwritten.
 */
export class LabelDesk {
  constructor(private readonly deps: { db: PrismaClient }) {}

  async label(eventId: string, input: unknown, actor: string): Promise<LabelView> {
    const parsed = labelBodySchema.safeParse(input ?? {});
    if (!parsed.success) throw new AppError("invalid_payload", "invalid label", validationDetails(parsed.error));
    const body = parsed.data;
    const event = await this.deps.db.webhookEvent.findUnique({
      where: { id: eventId },
      select: { id: true, type: true },
    });
    if (!event) throw new AppError("not_found", `no event ${eventId}`);
    if (event.type !== "lead" && event.type !== "ticket")
      throw invalid(`a ${event.type} event has nothing to label`, "");
    if (event.type === "lead" && body.priority !== undefined)
      throw invalid("a lead takes a category, not a priority", "priority");
    if (event.type === "ticket" && body.category !== undefined)
      throw invalid("a ticket takes a priority, not a category", "category");

    const { step, field } = labelledSteps[event.type];
    const [previous, ai] = await Promise.all([
      this.latest(eventId),
      this.deps.db.stepResult.findUnique({
        where: { eventId_name: { eventId, name: step } },
        select: { output: true, provider: true, model: true },
      }),
    ]);
    const output = ai?.output as Record<string, unknown> | null | undefined;
    const aiValue = typeof output?.[field] === "string" ? (output[field] as string) : null;
    const row = await this.deps.db.eventLabel.create({
      data: {
        eventId,
        type: event.type,
        category: body.category ?? previous?.category ?? null,
        priority: body.priority ?? previous?.priority ?? null,
        draft: body.draft ?? previous?.draft ?? null,
        aiValue,
        provider: ai?.provider ?? null,
        model: ai?.model ?? null,
        labelledBy: actor,
      },
    });
    return labelView(row);
  }

  /** The event's label: its newest row. */
  latest(eventId: string): Promise<EventLabel | null> {
    return this.deps.db.eventLabel.findFirst({ where: { eventId }, orderBy: { id: "desc" } });
  }
}
