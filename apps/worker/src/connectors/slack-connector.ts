import type { EventJob } from "@aiops/shared";
import { formatMoney } from "../normalize/money.js";
import { request, type RequestLimits } from "./http-client.js";
import type { Connector, Outcome } from "./connector.js";

export interface SlackOptions extends RequestLimits {
  webhookUrl: string;
}

/** Slack's three control characters; payload text must not become links or mentions. */
function escape(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function message(event: EventJob, outcome: Outcome): string {
  if (outcome.type === "lead") {
    const { lead, analysis } = outcome;
    const who = `${escape(lead.name ?? lead.email)}${lead.company ? ` (${escape(lead.company)})` : ""}`;
    return `:fire: *Hot lead*: ${who}, urgency ${analysis.urgency}\n${analysis.reasons.map((r) => `• ${escape(r)}`).join("\n")}`;
  }
  if (outcome.type === "ticket") {
    const { ticket, analysis } = outcome;
    return `:rotating_light: *Urgent ticket* from ${escape(event.source)}: ${escape(ticket.subject)}\n${escape(analysis.summary)}`;
  }
  const { payment, analysis } = outcome;
  const amount = formatMoney(payment.amount, payment.currency);
  const what = payment.status === "disputed" ? "Payment disputed" : "Payment failed";
  const detail = payment.failureReason ? `: ${escape(payment.failureReason)}` : "";
  return `:warning: *${what}*: ${amount}${payment.email ? ` for ${escape(payment.email)}` : ""}${detail}${analysis ? ` (risk ${analysis.risk})` : ""}`;
}

/** A Slack incoming webhook, for what needs a person now: hot leads, urgent tickets, failed or disputed payments. */
export class SlackConnector implements Connector {
  readonly name = "slack";

  constructor(private readonly options: SlackOptions) {}

  applies(outcome: Outcome): boolean {
    if (outcome.type === "lead") return outcome.analysis.category === "hot";
    if (outcome.type === "ticket") return outcome.analysis.priority === "urgent";
    return outcome.payment.status === "failed" || outcome.payment.status === "disputed";
  }

  async deliver(event: EventJob, outcome: Outcome): Promise<Record<string, unknown>> {
    const text = message(event, outcome);
    const answer = await request("slack", this.options.webhookUrl, { body: { text }, timeoutMs: this.options.timeoutMs, retryAfterMaxMs: this.options.retryAfterMaxMs });
    return { status: answer.status };
  }
}
