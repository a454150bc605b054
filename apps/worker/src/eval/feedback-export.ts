import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventJobSchema, type PrismaClient } from "@aiops/shared";
import { PiiMap, redactText } from "../ai/pii.js";
import { leadInput } from "../ai/tasks/lead/input.js";
import { ticketInput } from "../ai/tasks/ticket/input.js";
import { normalizeLead, normalizeTicket } from "../normalize/normalize.js";
import { type EvalTaskName, evalTask } from "./eval-tasks.js";

/** What replaces a person's name in exported text. */
export const NAME_PLACEHOLDER = "[name]";

export interface FeedbackExport {
  /** The written set per task; a task without labelled cases has none. */
  files: Partial<Record<EvalTaskName, string>>;
  cases: Partial<Record<EvalTaskName, number>>;
  /** Labelled events that cannot become a case: payload pruned or erased, or no longer readable. */
  skipped: Array<{ eventId: string; reason: string }>;
}

interface Case {
  id: string;
  split: "train" | "holdout";
  input: Record<string, unknown>;
  label: Record<string, string>;
}

/** A stable one-in-five holdout, so a case keeps its split from one export to the next. */
function splitOf(eventId: string): "train" | "holdout" {
  return createHash("sha256").update(eventId).digest()[0]! % 5 === 0 ? "holdout" : "train";
}

/** Names, addresses and phone numbers out of every text field; a name field itself becomes the placeholder. */
function redactInput(input: Record<string, unknown>, nameKey: string): Record<string, unknown> {
  const name = typeof input[nameKey] === "string" ? (input[nameKey] as string).trim() : "";
  // One map per case: the same address gets the same placeholder in every field, as the model sees it.
  const pii = new PiiMap();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key === nameKey) out[key] = NAME_PLACEHOLDER;
    else if (typeof value === "string" && key !== "source")
      out[key] = redactText(name.length >= 3 ? value.split(name).join(NAME_PLACEHOLDER) : value, pii);
    else out[key] = value;
  }
  return out;
}

/**
 * The reviewers' labels as eval cases: the latest label of each lead and ticket (labelled at
 * or after `since`), its input built from the stored payload exactly as the worker builds the
 * task's input (the same normaliser and input function), with personal data replaced by
 * placeholders. Writes `leads.jsonl` and `tickets.jsonl` in `outDir`, in the shipped sets' format.
 */
export async function exportFeedback(
  db: PrismaClient,
  options: { since?: Date; outDir: string },
): Promise<FeedbackExport> {
  const latest = await db.eventLabel.findMany({ orderBy: [{ eventId: "asc" }, { id: "desc" }], distinct: ["eventId"] });
  const labels = latest.filter(
    (label) => (!options.since || label.createdAt >= options.since) && (label.category || label.priority),
  );
  const events = await db.webhookEvent.findMany({ where: { id: { in: labels.map((label) => label.eventId) } } });
  const byId = new Map(events.map((event) => [event.id, event]));

  const cases: Record<"lead" | "ticket", Case[]> = { lead: [], ticket: [] };
  const skipped: FeedbackExport["skipped"] = [];
  for (const label of labels) {
    const row = byId.get(label.eventId);
    if (!row || row.payload === null) {
      skipped.push({ eventId: label.eventId, reason: "payload removed (retention or erasure)" });
      continue;
    }
    try {
      const event = eventJobSchema.parse({
        ...row,
        receivedAt: row.receivedAt.toISOString(),
        bodyDigest: row.bodyDigest ?? undefined,
      });
      const id = `feedback-${label.eventId}`;
      if (row.type === "lead" && label.category) {
        const input = leadInput(normalizeLead(event), event.source);
        cases.lead.push({
          id,
          split: splitOf(label.eventId),
          input: redactInput({ ...input }, "name"),
          label: { category: label.category },
        });
      } else if (row.type === "ticket" && label.priority) {
        const input = ticketInput(normalizeTicket(event), event.source);
        cases.ticket.push({
          id,
          split: splitOf(label.eventId),
          input: redactInput({ ...input }, "requesterName"),
          label: { priority: label.priority },
        });
      } else skipped.push({ eventId: label.eventId, reason: `a ${row.type} event with this label is no eval case` });
    } catch (error) {
      skipped.push({
        eventId: label.eventId,
        reason: `its payload no longer normalises: ${(error as Error).message.slice(0, 200)}`,
      });
    }
  }

  mkdirSync(options.outDir, { recursive: true });
  const result: FeedbackExport = { files: {}, cases: {}, skipped };
  for (const task of ["lead", "ticket"] as const) {
    const file = join(options.outDir, evalTask(task).defaultFile);
    // An old export of a task without cases now would be scored as if it were current.
    writeFileSync(file, cases[task].map((item) => JSON.stringify(item)).join("\n") + (cases[task].length ? "\n" : ""));
    result.cases[task] = cases[task].length;
    if (cases[task].length > 0) result.files[task] = file;
  }
  return result;
}
