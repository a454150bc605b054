import { AppError, type ConfiguredSource, eventJobFor, type Headers, type Logger } from "@aiops/shared";
import type { HttpResult } from "../http/result.js";
import { validationDetails } from "../http/validation.js";
import type { IngressMetrics } from "../metrics.js";
import { parseJsonBody } from "./body.js";
import { type EventProducer, QueueUnavailableError } from "./event-producer.js";

export interface WebhookRequest {
  source: ConfiguredSource;
  headers: Headers;
  rawBody: Buffer;
}

export interface IngressOptions {
  producer: EventProducer;
  logger: Logger;
  metrics: IngressMetrics;
  toleranceSeconds: number;
  now?: () => number;
}

/** Verify, parse, validate, name and enqueue one webhook delivery. Knows no web framework. */
export class Ingress {
  private readonly now: () => number;

  constructor(private readonly options: IngressOptions) {
    this.now = options.now ?? Date.now;
  }

  async handle({ source, headers, rawBody }: WebhookRequest): Promise<HttpResult> {
    const { definition, secrets } = source;
    const verified = definition.scheme.verify({
      headers,
      rawBody,
      secrets,
      now: this.now(),
      toleranceSeconds: this.options.toleranceSeconds,
    });
    if (!verified.ok) throw new AppError(verified.code, verified.message);

    const body = parseJsonBody(rawBody);
    const parsed = definition.schema(headers).safeParse(body);
    if (!parsed.success)
      throw new AppError(
        "invalid_payload",
        `the body does not match the ${definition.name} schema`,
        validationDetails(parsed.error),
      );

    const request = { headers, rawBody, body };
    const handshake = definition.handshake?.(request);
    if (handshake) return { status: 200, body: handshake };

    const job = eventJobFor(definition, request, this.now());

    let id: string;
    let duplicate: boolean;
    try {
      ({ id, duplicate } = await this.options.producer.enqueue(job));
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.options.logger.error({ err: error, source: definition.name, eventId: job.id }, "queue unavailable");
      throw new AppError("queue_unavailable", "the event queue is unavailable; retry later");
    }
    const { type, providerType, providerEventId } = job;
    this.options.metrics.accepted(definition.name, type, duplicate);
    // Every accepted event is recorded in Postgres and counted in /metrics; the log line is
    // for tracing one delivery, at debug, so the hot path does not pay for it by default.
    this.options.logger.debug(
      { source: definition.name, eventId: id, providerEventId, type, providerType, duplicate },
      duplicate ? "duplicate event" : "event accepted",
    );
    return duplicate ? { status: 200, body: { id, duplicate: true } } : { status: 202, body: { id, duplicate: false } };
  }
}
