import { integer, record, text } from "../../canonical/fields.js";
import type { Payload } from "../types.js";

/** An issue: the repository and number name it, where triage and replies go back to. */
export function githubTicket(body: Payload): unknown {
  const issue = record(body.issue);
  const repository = text(record(body.repository).full_name);
  return {
    externalId: repository && text(issue.number) ? `${repository}#${text(issue.number)}` : undefined,
    subject: text(issue.title),
    description: text(issue.body),
    requesterName: text(record(issue.user).login),
    url: text(issue.html_url),
    origin: repository && integer(issue.number) && { kind: "github", repo: repository, number: integer(issue.number) },
  };
}
