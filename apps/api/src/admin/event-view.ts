import type { EventJob, EventStatus, EventType, StepResult, WebhookEvent } from "@aiops/shared";
import type { Job } from "bullmq";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface EventSummary {
  id: string;
  source: string;
  providerEventId: string;
  providerType: string | null;
  type: EventType;
  status: EventStatus;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  payloadPrunedAt: string | null;
}

export interface StepView {
  name: string;
  status: StepResult["status"];
  attempts: number;
  durationMs: number | null;
  output: unknown;
  error: string | null;
  rawResponse: string | null;
  provider: string | null;
  model: string | null;
  cached: boolean;
  /** Why an AI step was not answered by the configured model (e.g. the daily AI budget was reached). */
  note: string | null;
  usage: TokenUsage | null;
  costUsd: number | null;
  startedAt: string;
  updatedAt: string;
}

export interface JobView {
  state: string;
  attemptsMade: number;
  maxAttempts: number;
  failedReason: string | null;
  runsAt: string | null;
}

export interface EventDetail extends EventSummary {
  payload: unknown;
  steps: StepView[];
  usage: TokenUsage & { costUsd: number };
  job: JobView | null;
}

/** What the list shows of an event: everything but the payload, which can be large. */
export function eventSummary(event: Omit<WebhookEvent, "payload">): EventSummary {
  return {
    id: event.id,
    source: event.source,
    providerEventId: event.providerEventId,
    providerType: event.providerType,
    type: event.type,
    status: event.status,
    attempts: event.attempts,
    lastError: event.lastError,
    receivedAt: event.receivedAt.toISOString(),
    startedAt: event.startedAt?.toISOString() ?? null,
    finishedAt: event.finishedAt?.toISOString() ?? null,
    payloadPrunedAt: event.payloadPrunedAt?.toISOString() ?? null,
  };
}

function usage(prompt: number | null, completion: number | null): TokenUsage | null {
  if (prompt === null && completion === null) return null;
  return {
    promptTokens: prompt ?? 0,
    completionTokens: completion ?? 0,
    totalTokens: (prompt ?? 0) + (completion ?? 0),
  };
}

export function stepView(step: StepResult): StepView {
  return {
    name: step.name,
    status: step.status,
    attempts: step.attempts,
    durationMs: step.durationMs,
    output: step.output,
    error: step.error,
    rawResponse: step.rawResponse,
    provider: step.provider,
    model: step.model,
    cached: step.cached,
    note: step.note,
    usage: usage(step.promptTokens, step.completionTokens),
    costUsd: step.costUsd === null ? null : Number(step.costUsd.toString()),
    startedAt: step.createdAt.toISOString(),
    updatedAt: step.updatedAt.toISOString(),
  };
}

/** Where the event's job stands in the queue, when Redis still holds it. */
export async function jobView(job: Job | undefined): Promise<JobView | null> {
  if (!job) return null;
  const state = await job.getState();
  return {
    state,
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    failedReason: job.failedReason ?? null,
    // A delayed job is waiting for its next retry: when it will run.
    runsAt: state === "delayed" ? new Date(job.timestamp + (job.delay ?? 0)).toISOString() : null,
  };
}

export function eventDetail(event: WebhookEvent, steps: StepResult[], job: JobView | null): EventDetail {
  const views = steps.map(stepView);
  const total = (pick: (step: StepView) => number | null | undefined) =>
    views.reduce((sum, step) => sum + (pick(step) ?? 0), 0);
  return {
    ...eventSummary(event),
    payload: event.payload,
    steps: views,
    usage: {
      promptTokens: total((step) => step.usage?.promptTokens),
      completionTokens: total((step) => step.usage?.completionTokens),
      totalTokens: total((step) => step.usage?.totalTokens),
      costUsd: Math.round(total((step) => step.costUsd) * 1e6) / 1e6,
    },
    job,
  };
}

/** An event the ingress acknowledged that no worker has recorded yet, told from its job. */
export function queuedDetail(job: Job<EventJob>, jobInfo: JobView): EventDetail {
  const data = job.data;
  const failed = jobInfo.state === "failed";
  return {
    id: data.id,
    source: data.source,
    providerEventId: data.providerEventId,
    providerType: data.providerType,
    type: data.type,
    status: failed ? "failed" : "queued",
    attempts: job.attemptsMade,
    lastError: failed ? jobInfo.failedReason : null,
    receivedAt: data.receivedAt,
    startedAt: null,
    finishedAt: null,
    payloadPrunedAt: null,
    payload: data.payload,
    steps: [],
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, costUsd: 0 },
    job: jobInfo,
  };
}
