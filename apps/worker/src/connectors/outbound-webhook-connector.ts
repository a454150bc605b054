import { type EventJob, standardWebhooksScheme } from "@aiops/shared";
import type { Connector, Outcome } from "./connector.js";
import { type RequestLimits, request } from "./http-client.js";

export interface OutboundWebhookOptions extends RequestLimits {
  url: string;
  /** A Standard Webhooks `whsec_` secret. */
  secret: string;
}

/** The body receivers get: the event and what the platform made of it. */
export function outboundBody(event: EventJob, outcome: Outcome, now: Date) {
  const record = outcome.type === "lead" ? outcome.lead : outcome.type === "ticket" ? outcome.ticket : outcome.payment;
  return {
    type: `${outcome.type}.processed`,
    timestamp: now.toISOString(),
    data: {
      id: event.id,
      source: event.source,
      providerType: event.providerType,
      receivedAt: event.receivedAt,
      [outcome.type]: record,
      analysis: outcome.analysis ?? null,
      crm: outcome.crm,
    },
  };
}

/**
 * Every processed event POSTed to one URL, signed with Standard Webhooks. The `webhook-id`
 * is the event's id, the same on every retry, so receivers can drop repeats.
 */
export class OutboundWebhookConnector implements Connector {
  readonly name = "outbound";

  constructor(private readonly options: OutboundWebhookOptions) {}

  applies(): boolean {
    return true;
  }

  async deliver(event: EventJob, outcome: Outcome): Promise<Record<string, unknown>> {
    const now = new Date();
    const body = JSON.stringify(outboundBody(event, outcome, now));
    const headers = standardWebhooksScheme.sign(Buffer.from(body), this.options.secret, {
      now: now.getTime(),
      deliveryId: event.id,
    });
    const answer = await request("outbound", this.options.url, {
      body,
      headers,
      timeoutMs: this.options.timeoutMs,
      retryAfterMaxMs: this.options.retryAfterMaxMs,
    });
    return { status: answer.status, webhookId: event.id };
  }
}
