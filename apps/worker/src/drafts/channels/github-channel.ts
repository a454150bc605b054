import type { GitHubApi } from "../../connectors/github-api.js";
import { type DraftChannel, LOOK_BACK_MS, type OutgoingDraft, type SendOptions, targetOf } from "./channel.js";

/** A hidden HTML comment in the issue comment: GitHub's Markdown does not render it. */
export function githubMarker(draftId: string): string {
  return `<!-- aiops-draft:${draftId} -->`;
}

/** An issue comment; a later attempt lists the comments since the first for the hidden marker. */
export class GitHubReplyChannel implements DraftChannel {
  constructor(private readonly api: GitHubApi) {}

  async send(draft: OutgoingDraft, options: SendOptions) {
    const { repo, number } = targetOf(draft, "github");
    const marker = githubMarker(draft.id);
    if (options.earlierAttemptSince) {
      const found = await this.api.findComment(
        repo,
        number,
        marker,
        new Date(options.earlierAttemptSince.getTime() - LOOK_BACK_MS),
      );
      if (found !== undefined) return { messageId: `github:${repo}#${number}:comment:${found}`, found: true };
    }
    const comment = await this.api.comment(repo, number, `${draft.body}\n\n${marker}`);
    return { messageId: `github:${repo}#${number}:comment:${comment.id}` };
  }
}
