import type { EventJob } from "@aiops/shared";
import type { Logger } from "pino";
import { z } from "zod";
import type { AiService } from "../ai/ai-service.js";
import type { Connector, Outcome } from "../connectors/connector.js";
import type { Crm } from "../crm/crm.js";
import { PermanentError } from "../errors/index.js";
import type { MetaGraph } from "../normalize/meta-graph.js";
import type { StepRunner } from "../steps/step-runner.js";

export interface PipelineContext {
  event: EventJob;
  steps: StepRunner;
  ai: AiService;
  crm: Crm;
  connectors: readonly Connector[];
  /** Reads Meta leads whose webhook carried only their id. */
  meta: MetaGraph;
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
      steps.run(`connector.${connector.name}`, connectorOutput, async () => ({ output: await connector.deliver(event, outcome) })),
    );
  const failures = (await Promise.allSettled(runs)).flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
  // A permanent failure decides the event's fate; otherwise the first retryable one is retried.
  if (failures.length) throw failures.find((failure) => failure instanceof PermanentError) ?? failures[0];
}
