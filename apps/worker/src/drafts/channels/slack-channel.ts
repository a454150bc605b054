import type { SlackAnswer, SlackApi } from "../../connectors/slack-api.js";
import { type DraftChannel, LOOK_BACK_MS, type OutgoingDraft, type SendOptions, targetOf } from "./channel.js";

/** The message metadata event type naming the draft a reply came from. */
export const SLACK_DRAFT_EVENT = "aiops_draft_sent";

interface Replies extends SlackAnswer {
  messages?: Array<{ ts: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }>;
}

/**
 * A reply in the message's thread, carrying the draft's id as message metadata. A later
 * attempt reads the thread's replies (with their metadata) since the first attempt first.
 */
export class SlackReplyChannel implements DraftChannel {
  constructor(private readonly api: SlackApi) {}

  async send(draft: OutgoingDraft, options: SendOptions) {
    const { channel, threadTs } = targetOf(draft, "slack");
    if (options.earlierAttemptSince) {
      const oldest = ((options.earlierAttemptSince.getTime() - LOOK_BACK_MS) / 1000).toFixed(6);
      const replies = await this.api.call<Replies>("conversations.replies", {
        channel,
        ts: threadTs,
        oldest,
        include_all_metadata: true,
        limit: 200,
      });
      const found = replies.messages?.find(
        (m) => m.metadata?.event_type === SLACK_DRAFT_EVENT && m.metadata.event_payload?.draft_id === draft.id,
      );
      if (found) return { messageId: `slack:${channel}:${found.ts}`, found: true };
    }
    const posted = await this.api.call<SlackAnswer & { ts?: string }>("chat.postMessage", {
      channel,
      thread_ts: threadTs,
      text: draft.body,
      metadata: { event_type: SLACK_DRAFT_EVENT, event_payload: { draft_id: draft.id } },
    });
    return { messageId: `slack:${channel}:${posted.ts ?? ""}` };
  }
}
