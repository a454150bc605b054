import type { DraftTarget } from "../draft-record.js";

/** What a channel sends: the draft as approved (with the reviewer's edit, if any). */
export interface OutgoingDraft {
  id: string;
  target: DraftTarget;
  recipient: string | null;
  subject: string;
  body: string;
}

export interface SendOptions {
  /**
   * Set when an earlier send of this draft began at this time and its outcome is unknown
   * (the sender died, or the answer was lost): the channel looks for the message first,
   * where it can, and does not send it again if it is there.
   */
  earlierAttemptSince?: Date;
}

/** One way out for approved drafts; it resolves with the channel's id of what it sent (or found). */
export interface DraftChannel {
  send(draft: OutgoingDraft, options: SendOptions): Promise<{ messageId: string; found?: boolean }>;
}

export function targetOf<K extends DraftTarget["kind"]>(
  draft: OutgoingDraft,
  kind: K,
): Extract<DraftTarget, { kind: K }> {
  if (draft.target.kind !== kind) throw new Error(`draft ${draft.id} is not for ${kind}`);
  return draft.target as Extract<DraftTarget, { kind: K }>;
}

/** Clock skew allowed between us and the channel when looking back for an earlier send. */
export const LOOK_BACK_MS = 10 * 60 * 1000;
