import type { ServerResponse } from "node:http";
import { type FakeRequest, FakeService, sendJson } from "./http-fake.js";

/**
 * What a fake does to the next write requests: `fail` refuses without acting (a 5xx before
 * the work), `lose` acts and then answers 500 (the work done, the answer lost), `hang` acts
 * and never answers (the caller is to be killed while it waits).
 */
export type WriteFault = "fail" | "lose" | "hang";

abstract class FakeSaas extends FakeService {
  readonly faults: WriteFault[] = [];

  protected parse(request: FakeRequest): Record<string, any> {
    if (!request.body) return {};
    if ((request.headers["content-type"] ?? "").includes("json"))
      return JSON.parse(request.body) as Record<string, any>;
    return Object.fromEntries(new URLSearchParams(request.body));
  }

  /** Runs a write under the scripted faults; returns false when the request was answered already. */
  protected write(response: ServerResponse, act: () => void): boolean {
    const fault = this.faults.shift();
    if (fault === "fail") {
      sendJson(response, 503, { error: "scripted outage" });
      return false;
    }
    act();
    if (fault === "hang") return false;
    if (fault === "lose") {
      sendJson(response, 500, { error: "scripted: done, answer lost" });
      return false;
    }
    return true;
  }
}

export interface ZendeskFakeComment {
  id: number;
  body: string;
  public: boolean;
}

export interface ZendeskFakeTicket {
  id: string;
  priority?: string;
  tags: string[];
  comments: ZendeskFakeComment[];
  audits: Array<{ id: number; metadata: { custom: Record<string, unknown> } }>;
}

/** Zendesk's ticket update, comments and audits routes, with API-token basic auth. */
export class FakeZendesk extends FakeSaas {
  readonly tickets = new Map<string, ZendeskFakeTicket>();
  private nextId = 5000;

  constructor(
    readonly email = "agent@example.com",
    readonly token = "zendesk-test-token",
  ) {
    super();
  }

  ticket(id: string): ZendeskFakeTicket {
    let ticket = this.tickets.get(id);
    if (!ticket) this.tickets.set(id, (ticket = { id, tags: [], comments: [], audits: [] }));
    return ticket;
  }

  protected override handle(request: FakeRequest, response: ServerResponse): void {
    const expected = `Basic ${Buffer.from(`${this.email}/token:${this.token}`).toString("base64")}`;
    if (request.headers.authorization !== expected)
      return sendJson(response, 401, { error: "Couldn't authenticate you" });
    const path = request.path.split("?")[0] ?? "";
    const update = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(path);
    if (request.method === "PUT" && update) {
      const body = this.parse(request).ticket as Record<string, any> | undefined;
      if (!body) return sendJson(response, 400, { error: "RecordInvalid" });
      const ticket = this.ticket(update[1]!);
      const audit = { id: this.nextId++, metadata: { custom: (body.metadata ?? {}) as Record<string, unknown> } };
      if (
        !this.write(response, () => {
          if (body.priority) ticket.priority = body.priority;
          for (const tag of (body.additional_tags ?? []) as string[])
            if (!ticket.tags.includes(tag)) ticket.tags.push(tag);
          if (body.comment)
            ticket.comments.push({
              id: this.nextId++,
              body: String(body.comment.body),
              public: body.comment.public !== false,
            });
          ticket.audits.push(audit);
        })
      )
        return;
      return sendJson(response, 200, {
        ticket: { id: Number(ticket.id), priority: ticket.priority, tags: ticket.tags },
        audit: { id: audit.id },
      });
    }
    const list = /^\/api\/v2\/tickets\/(\d+)\/(comments|audits)(\.json)?$/.exec(path);
    if (request.method === "GET" && list) {
      const ticket = this.ticket(list[1]!);
      const items = list[2] === "comments" ? ticket.comments : ticket.audits;
      return sendJson(response, 200, { [list[2]!]: [...items].reverse(), next_page: null, count: items.length });
    }
    sendJson(response, 404, { error: "RecordNotFound" });
  }
}

export interface GitHubFakeIssue {
  labels: string[];
  comments: Array<{ id: number; body: string; updated_at: string }>;
}

/** GitHub's issue labels and comments routes, with a bearer token. */
export class FakeGitHub extends FakeSaas {
  readonly issues = new Map<string, GitHubFakeIssue>();
  private nextId = 9000;

  constructor(readonly token = "github-test-token") {
    super();
  }

  issue(repo: string, number: number): GitHubFakeIssue {
    const key = `${repo}#${number}`;
    let issue = this.issues.get(key);
    if (!issue) this.issues.set(key, (issue = { labels: [], comments: [] }));
    return issue;
  }

  protected override handle(request: FakeRequest, response: ServerResponse): void {
    if (request.headers.authorization !== `Bearer ${this.token}`)
      return sendJson(response, 401, { message: "Bad credentials" });
    const [path = "", query = ""] = request.path.split("?");
    const route = /^\/repos\/([\w.-]+\/[\w.-]+)\/issues\/(\d+)\/(labels|comments)$/.exec(path);
    if (!route) return sendJson(response, 404, { message: "Not Found" });
    const issue = this.issue(route[1]!, Number(route[2]));
    if (route[3] === "labels" && request.method === "POST") {
      const labels = (this.parse(request).labels ?? []) as string[];
      const added = this.write(response, () => {
        for (const label of labels) if (!issue.labels.includes(label)) issue.labels.push(label);
      });
      if (!added) return;
      return sendJson(
        response,
        200,
        issue.labels.map((name) => ({ name })),
      );
    }
    if (route[3] === "comments" && request.method === "POST") {
      const comment = {
        id: this.nextId++,
        body: String(this.parse(request).body),
        updated_at: new Date().toISOString(),
      };
      if (!this.write(response, () => issue.comments.push(comment))) return;
      return sendJson(response, 201, comment);
    }
    if (route[3] === "comments" && request.method === "GET") {
      const since = new URLSearchParams(query).get("since");
      return sendJson(
        response,
        200,
        issue.comments.filter((c) => !since || c.updated_at >= since),
      );
    }
    sendJson(response, 405, { message: "Method Not Allowed" });
  }
}

export interface SlackFakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** Slack's Web API methods the platform calls (bot token), and `response_url` posts. */
export class FakeSlackApi extends FakeSaas {
  readonly reactions: Array<{ channel: string; timestamp: string; name: string }> = [];
  readonly messages: SlackFakeMessage[] = [];
  readonly responses: Array<Record<string, any>> = [];
  private clock = 1_700_000_000;

  constructor(readonly token = "xoxb-test-token") {
    super();
  }

  get apiUrl(): string {
    return `${this.url}/api`;
  }

  /** A `response_url` Slack would give with an interaction. */
  get responseUrl(): string {
    return `${this.url}/actions/response`;
  }

  protected override handle(request: FakeRequest, response: ServerResponse): void {
    const body = this.parse(request);
    if (request.path === "/actions/response") {
      this.responses.push(body);
      return sendJson(response, 200, { ok: true });
    }
    if (request.headers.authorization !== `Bearer ${this.token}`)
      return sendJson(response, 200, { ok: false, error: "invalid_auth" });
    const method = request.path.replace(/^\/api\//, "").split("?")[0];
    if (method === "reactions.add") {
      const seen = this.reactions.some(
        (r) => r.channel === body.channel && r.timestamp === body.timestamp && r.name === body.name,
      );
      if (seen) return sendJson(response, 200, { ok: false, error: "already_reacted" });
      if (
        !this.write(response, () =>
          this.reactions.push({ channel: body.channel, timestamp: body.timestamp, name: body.name }),
        )
      )
        return;
      return sendJson(response, 200, { ok: true });
    }
    if (method === "chat.postMessage") {
      const message: SlackFakeMessage = {
        channel: body.channel,
        ts: `${this.clock++}.000100`,
        ...(body.thread_ts ? { threadTs: body.thread_ts } : {}),
        text: body.text,
        ...(body.blocks ? { blocks: body.blocks } : {}),
        ...(body.metadata ? { metadata: body.metadata } : {}),
      };
      if (!this.write(response, () => this.messages.push(message))) return;
      return sendJson(response, 200, { ok: true, channel: message.channel, ts: message.ts });
    }
    if (method === "conversations.replies") {
      const replies = this.messages.filter((m) => m.channel === body.channel && m.threadTs === body.ts);
      const withMetadata = body.include_all_metadata === true || body.include_all_metadata === "true";
      return sendJson(response, 200, {
        ok: true,
        messages: replies.map(({ metadata, ...rest }) => ({
          ...rest,
          ...(withMetadata && metadata ? { metadata } : {}),
        })),
        has_more: false,
      });
    }
    if (method === "chat.update") {
      const message = this.messages.find((m) => m.channel === body.channel && m.ts === body.ts);
      if (!message) return sendJson(response, 200, { ok: false, error: "message_not_found" });
      Object.assign(message, { text: body.text, blocks: body.blocks });
      return sendJson(response, 200, { ok: true });
    }
    sendJson(response, 200, { ok: false, error: "unknown_method" });
  }
}
