import type { ServerResponse } from "node:http";
import type { MetaLead } from "@aiops/shared";
import { type FakeRequest, FakeService, sendJson } from "./http-fake.js";

/** A Graph API error as Meta sends it: `{ error: { message, type, code } }`. */
export interface GraphFailure {
  status: number;
  code: number;
  message?: string;
}

/**
 * The Graph API route the worker reads Lead Ads leads from, `GET /{version}/{leadgen-id}`,
 * with Meta's error shape: a bad token is an `OAuthException` (code 190), an unknown id a
 * `GraphMethodException` (code 100). Checks the bearer token; can be told to fail.
 */
export class FakeMetaGraph extends FakeService {
  readonly leads = new Map<string, MetaLead>();
  /** Errors for the next requests, e.g. a rate limit: `{ status: 400, code: 17 }`. */
  readonly failures: GraphFailure[] = [];

  constructor(
    private readonly token = "test-meta-page-token",
    readonly version = "v21.0",
  ) {
    super();
  }

  /** The base URL with its version, as `META_GRAPH_URL` takes it. */
  override get url(): string {
    return `${this.http.url}/${this.version}`;
  }

  protected override handle(request: FakeRequest, response: ServerResponse): void {
    const fail = (status: number, code: number, type: string, message: string) =>
      sendJson(response, status, { error: { message, type, code, fbtrace_id: "fake" } });
    if (request.headers.authorization !== `Bearer ${this.token}`)
      return fail(400, 190, "OAuthException", "Invalid OAuth access token.");
    const failure = this.failures.shift();
    if (failure)
      return fail(failure.status, failure.code, "OAuthException", failure.message ?? `scripted error ${failure.code}`);
    const url = new URL(request.path, "http://graph.local");
    const match = new RegExp(`^/${this.version}/([^/]+)$`).exec(url.pathname);
    const lead = match && request.method === "GET" ? this.leads.get(decodeURIComponent(match[1]!)) : undefined;
    if (!lead)
      return fail(
        400,
        100,
        "GraphMethodException",
        `Unsupported get request. Object with ID '${match?.[1]}' does not exist`,
      );
    const fields = (url.searchParams.get("fields") ?? "id,created_time").split(",");
    sendJson(response, 200, Object.fromEntries(Object.entries(lead).filter(([key]) => fields.includes(key))));
  }
}
