import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  messageId: string | undefined;
  subject: string | undefined;
}

/** A real SMTP server (the nodemailer project's `smtp-server`) on a free local port, keeping every message it accepts. */
export class FakeSmtpServer {
  readonly mails: ReceivedMail[] = [];
  /** SMTP reply codes for the next messages, e.g. [451] refuses one temporarily. */
  readonly failures: number[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const failure = this.failures.shift();
        if (failure) return callback(Object.assign(new Error("scripted refusal"), { responseCode: failure }));
        const raw = Buffer.concat(chunks).toString("utf8");
        const header = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, "im").exec(raw)?.[1]?.trim();
        this.mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          messageId: header("Message-ID"),
          subject: header("Subject"),
        });
        callback();
      });
    },
  });
  url = "";

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const address = this.server.server.address();
    this.url = `smtp://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    return this.url;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
