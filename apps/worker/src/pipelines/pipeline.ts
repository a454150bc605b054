import type { EventJob } from "@aiops/shared";
import type { Logger } from "pino";
import { z } from "zod";
import type { AiService } from "../ai/ai-service.js";
import type { Connector, Outcome } from "../connectors/connector.js";
import type { MetaGraph } from "../connectors/meta-graph.js";
import type { CrmCommands } from "../crm/commands.js";
import type { Crm } from "../crm/crm.js";
import type { DraftDispatch } from "../drafts/draft-dispatch.js";
import { draftRefSchema, type NewDraft } from "../drafts/draft-record.js";
import { PermanentError } from "../errors/index.js";
import type { StepRunner } from "../steps/step-runner.js";

export interface PipelineContext {
  event: EventJob;
  steps: StepRunner;
  ai: AiService;
  crm: Crm;
  connectors: readonly Connector[];
  /** Reads Meta leads whose webhook carried only their id. */
  meta: MetaGraph;
  /** Drafted replies: which go out without review (AUTO_SEND), and handing them to the sender. */
  drafts: DraftDispatch;
  logger: Logger;
}

/**
 * The steps for one event type: AI first, then the built-in CRM, then the connectors. With
 * no connector enabled the CRM step is the last, and its statement also finishes the event.
 */
export interface Pipeline {
  run(context: PipelineContext): Promise<void>;
}

const connectorOutput = z.record(z.string(), z.unknown());

/**
 * One step per connector that applies, run side by side: each one's result is stored on
 * its own, so the retry of a failed connector repeats neither the others nor anything before.
 */
export async function runConnectors(context: PipelineContext, outcome: Outcome): Promise<void> {
  const { steps, event, connectors } = context;
  const runs = connectors
    .filter((connector) => connector.applies(outcome))
    .map((connector) =>
      steps.run(`connector.${connector.name}`, connectorOutput, async () => ({
        output: await connector.deliver(event, outcome),
      })),
    );
  const failures = (await Promise.allSettled(runs)).flatMap((result) =>
    result.status === "rejected" ? [result.reason] : [],
  );
  // A permanent failure decides the event's fate; otherwise the first retryable one is retried.
  if (failures.length) throw failures.find((failure) => failure instanceof PermanentError) ?? failures[0];
}

/**
 * After the CRM step stored the event's draft: one that AUTO_SEND approved is handed to the
 * sender, as a step of its own so that a retry does not hand it over again (the job id
 * would make that harmless anyway).
 */
export async function dispatchDraft(
  context: PipelineContext,
  ref: { draftId?: string | undefined; draftStatus?: string | undefined },
): Promise<void> {
  const { draftId } = ref;
  if (!draftId || ref.draftStatus !== "approved") return;
  await context.steps.run("draft.send", z.object({ draftId: z.string() }), async () => {
    await context.drafts.send(draftId);
    return { output: { draftId } };
  });
}

/** The command that stores the event's drafted reply with the CRM step's records, if there is one. */
export function draftCommand(event: { id: string }, draft: NewDraft | undefined, auto: boolean): CrmCommands {
  return draft ? { createDraft: { eventId: event.id, draft, auto } } : {};
}

/** Whether the CRM step is the pipeline's last: no connector, and no draft going out unreviewed. */
export function crmIsLast(context: PipelineContext, draft: NewDraft | undefined): boolean {
  return !context.connectors.length && !context.drafts.autoSend(draft);
}

export { draftRefSchema };
