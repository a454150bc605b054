import type { JobsOptions } from "bullmq";
import { z } from "zod";
import type { Config } from "./config.js";

/** Where an approved draft goes, chosen from where its event came from. */
export const draftChannels = ["zendesk", "github", "slack", "email", "none"] as const;
export type DraftChannel = (typeof draftChannels)[number];

export const draftStatuses = ["pending", "approved", "sent", "rejected", "failed"] as const;
export type DraftStatusName = (typeof draftStatuses)[number];

/** Sending approved drafts: one job per draft, apart from the events queue so a slow channel never holds events up. */
export const DRAFTS_QUEUE = "drafts";
export const DRAFT_SEND_JOB = "send";

export const draftJobSchema = z.object({ draftId: z.uuid() });
export type DraftJob = z.infer<typeof draftJobSchema>;

/**
 * One job id per draft: approving twice, or an approval racing AUTO_SEND, adds one job.
 * Retries and backoff are the events' own.
 */
export function draftJobOptions(config: Config, draftId: string): JobsOptions {
  return {
    jobId: `draft-${draftId}`,
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: config.JOB_BACKOFF_MS, jitter: 0.5 },
    removeOnComplete: { age: config.COMPLETED_JOB_TTL_SECONDS, count: config.COMPLETED_JOB_MAX_COUNT },
    removeOnFail: { age: config.FAILED_JOB_TTL_SECONDS },
  };
}

/** Whether the variables a channel needs are set; "none" never is. */
export function channelConfigured(config: Config, channel: string): boolean {
  switch (channel) {
    case "zendesk":
      return Boolean(config.ZENDESK_BASE_URL && config.ZENDESK_EMAIL && config.ZENDESK_API_TOKEN);
    case "github":
      return Boolean(config.GITHUB_TOKEN);
    case "slack":
      return Boolean(config.SLACK_BOT_TOKEN);
    case "email":
      return Boolean(config.SMTP_URL && config.MAIL_FROM);
    default:
      return false;
  }
}
