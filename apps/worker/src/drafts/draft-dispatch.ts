import { type Config, DRAFT_SEND_JOB, type DraftJob, draftJobOptions } from "@aiops/shared";
import type { Queue } from "bullmq";
import type { NewDraft } from "./draft-record.js";
import { sentWithoutReview } from "./draft-record.js";

/** What a pipeline needs of drafts: whether one goes out unreviewed, and handing it to the sender. */
export class DraftDispatch {
  constructor(
    private readonly config: Config,
    private readonly queue: Queue<DraftJob> | undefined,
  ) {}

  autoSend(draft: NewDraft | undefined): boolean {
    return draft !== undefined && this.queue !== undefined && sentWithoutReview(this.config, draft);
  }

  /** One job per draft (its id is the draft's), so adding it again does nothing. */
  async send(draftId: string): Promise<void> {
    if (!this.queue) throw new Error("drafts cannot be sent: this worker has no drafts queue");
    await this.queue.add(DRAFT_SEND_JOB, { draftId }, draftJobOptions(this.config, draftId));
  }
}
