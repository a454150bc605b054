import type { EventJob } from "@aiops/shared";
import { formatMoney } from "@aiops/shared/canonical";
import type { Connector, Outcome } from "./connector.js";
import { type RequestLimits, request } from "./http-client.js";

export interface SlackOptions extends RequestLimits {
  webhookUrl: string;
}

/** Slack's three control characters; payload text must not become links or mentions. */
function escapeMrkdwn(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function message(event: EventJob, outcome: Outcome): string {
  if (outcome.type === "lead") {
    const { lead, analysis } = outcome;
    const who = `${escapeMrkdwn(lead.name ?? lead.email)}${lead.company ? ` (${escapeMrkdwn(lead.company)})` : ""}`;
    return `:fire: *Hot lead*: ${who}, urgency ${analysis.urgency}\n${analysis.reasons.map((r) => `• ${escapeMrkdwn(r)}`).join("\n")}`;
  }
  if (outcome.type === "ticket") {
    const { ticket, analysis } = outcome;
    return `:rotating_light: *Urgent ticket* from ${escapeMrkdwn(event.source)}: ${escapeMrkdwn(ticket.subject)}\n${escapeMrkdwn(analysis.summary)}`;
  }
  const { payment, analysis } = outcome;
  const amount = formatMoney(payment.amount, payment.currency);
  const what = payment.status === "disputed" ? "Payment disputed" : "Payment failed";
  const detail = payment.failureReason ? `: ${escapeMrkdwn(payment.failureReason)}` : "";
  return `:warning: *${what}*: ${amount}${payment.email ? ` for ${escapeMrkdwn(payment.email)}` : ""}${detail}${analysis ? ` (risk ${analysis.risk})` : ""}`;
}

/**
 * Block Kit for a notification whose event has a draft waiting for review: the text, then
 * Approve and Reject buttons carrying the draft's id (answered by `POST /slack/interactions`).
 */
function blocks(text: string, outcome: Outcome): unknown[] | undefined {
  const { draftId, draftStatus } = outcome.crm;
  if (!draftId || draftStatus !== "pending") return undefined;
  const draft = outcome.type === "payment" ? outcome.analysis?.customerMessage : outcome.analysis.draftReply;
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*Drafted reply*\n>${escapeMrkdwn(draft ?? "")
          .slice(0, 2500)
          .replaceAll("\n", "\n>")}`,
      },
    },
    {
      type: "actions",
      block_id: `draft:${draftId}`,
      elements: [
        {
          type: "button",
          action_id: "draft_approve",
          value: draftId,
          style: "primary",
          text: { type: "plain_text", text: "Approve and send" },
        },
        {
          type: "button",
          action_id: "draft_reject",
          value: draftId,
          style: "danger",
          text: { type: "plain_text", text: "Reject" },
        },
      ],
    },
  ];
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
    const withButtons = blocks(text, outcome);
    const answer = await request("slack", this.options.webhookUrl, {
      body: withButtons ? { text, blocks: withButtons } : { text },
      timeoutMs: this.options.timeoutMs,
      retryAfterMaxMs: this.options.retryAfterMaxMs,
    });
    return { status: answer.status };
  }
}
