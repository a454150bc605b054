import type { EventType } from "@aiops/shared";
import { leadPipeline } from "./lead-pipeline.js";
import { paymentPipeline } from "./payment-pipeline.js";
import type { Pipeline } from "./pipeline.js";
import { ticketPipeline } from "./ticket-pipeline.js";

/** The pipeline per event type; `ignored` events have none and are completed as recorded. */
export const pipelines = {
  lead: leadPipeline,
  ticket: ticketPipeline,
  payment: paymentPipeline,
} satisfies Record<Exclude<EventType, "ignored">, Pipeline>;
