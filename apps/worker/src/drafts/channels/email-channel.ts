import nodemailer, { type Transporter } from "nodemailer";
import { PermanentError, RetryableError } from "../../errors/index.js";
import { type DraftChannel, type OutgoingDraft, targetOf } from "./channel.js";

export interface EmailOptions {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

/** The Message-ID of a draft's email: the same on every attempt, so receivers and threads can drop a repeat. */
export function draftMessageId(draftId: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "aiops.invalid";
  return `<draft-${draftId}@${domain}>`;
}

/**
 * An email through SMTP. SMTP has no way to ask whether a message was delivered, so this
 * channel is at least once: a sender that dies after the server accepted the message and
 * before the draft is marked sent sends it again, with the same Message-ID.
 */
export class EmailChannel implements DraftChannel {
  private readonly transport: Transporter;

  constructor(private readonly options: EmailOptions) {
    this.transport = nodemailer.createTransport(options.smtpUrl, {
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async send(draft: OutgoingDraft) {
    const { email } = targetOf(draft, "email");
    const messageId = draftMessageId(draft.id, this.options.from);
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: email,
        subject: draft.subject,
        text: draft.body,
        messageId,
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx SMTP replies are permanent (a refused address); everything else may pass.
      if (code !== undefined && code >= 500)
        throw new PermanentError("smtp_rejected", `SMTP refused the message: ${(error as Error).message}`, {
          cause: error,
        });
      throw new RetryableError("smtp_unavailable", `SMTP send failed: ${(error as Error).message}`, { cause: error });
    }
    return { messageId };
  }

  close(): void {
    this.transport.close();
  }
}
