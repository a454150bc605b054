import type { ZendeskApi } from "../../connectors/zendesk-api.js";
import { type DraftChannel, type OutgoingDraft, type SendOptions, targetOf } from "./channel.js";

/** The custom audit metadata key naming the draft a public comment came from. */
export const ZENDESK_DRAFT_KEY = "aiops_draft";

/**
 * A public comment on the Zendesk ticket. The update's audit carries the draft's id in its
 * custom metadata (invisible to the requester), which a later attempt looks up in the
 * ticket's audits before commenting again.
 */
export class ZendeskReplyChannel implements DraftChannel {
  constructor(private readonly api: ZendeskApi) {}

  async send(draft: OutgoingDraft, options: SendOptions) {
    const { ticketId } = targetOf(draft, "zendesk");
    if (options.earlierAttemptSince && (await this.api.hasAuditMarker(ticketId, ZENDESK_DRAFT_KEY, draft.id)))
      return { messageId: `zendesk:${ticketId}`, found: true };
    const { auditId } = await this.api.updateTicket(ticketId, {
      comment: { body: draft.body, public: true },
      metadata: { [ZENDESK_DRAFT_KEY]: draft.id },
    });
    return { messageId: auditId === undefined ? `zendesk:${ticketId}` : `zendesk:${ticketId}:audit:${auditId}` };
  }
}
