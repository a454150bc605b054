import { randomUUID } from "node:crypto";
import { z } from "zod";
import { hubSignatureScheme } from "../hub-signature.js";
import { header, type SourceDefinition } from "../types.js";
import { githubTicket } from "./normalize.js";

const githubIssue = z.looseObject({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().optional(),
  html_url: z.string().optional(),
  user: z.looseObject({ login: z.string() }).nullable().optional(),
});

const issuesEvent = z.looseObject({
  action: z.string(),
  issue: githubIssue,
  repository: z.looseObject({ full_name: z.string() }),
});

const anyEvent = z.looseObject({});

export const githubSource: SourceDefinition = {
  name: "github",
  scheme: hubSignatureScheme,
  secretVariable: "GITHUB_WEBHOOK_SECRET",
  schema: (headers) => (header(headers, "x-github-event") === "issues" ? issuesEvent : anyEvent),
  eventId: ({ headers }) => header(headers, "x-github-delivery"),
  // X-GitHub-Delivery and X-GitHub-Event are outside the signature, which covers the body alone.
  eventIdSigned: false,
  classify({ headers, body }) {
    const event = header(headers, "x-github-event") ?? "unknown";
    const action = (body as { action?: unknown }).action;
    const providerType = typeof action === "string" ? `${event}.${action}` : event;
    return { type: providerType === "issues.opened" ? "ticket" : "ignored", providerType };
  },
  normalize: { ticket: githubTicket },
  sample(seq, now) {
    return {
      body: {
        action: "opened",
        issue: {
          number: 1000 + seq,
          title: seq % 2 === 0 ? "Crash on start-up after upgrading to 2.0" : "Docs: typo in the README",
          body:
            seq % 2 === 0
              ? "Since 2.0 the service crashes on start with a segfault. All our deployments are down."
              : "There is a small typo in the installation section.",
          html_url: `https://github.com/acme/widgets/issues/${1000 + seq}`,
          user: { login: "octocat" },
          state: "open",
          created_at: new Date(now).toISOString(),
        },
        repository: { full_name: "acme/widgets" },
        sender: { login: "octocat" },
      },
      headers: { "x-github-event": "issues", "x-github-delivery": randomUUID() },
    };
  },
};
