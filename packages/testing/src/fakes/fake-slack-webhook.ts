import type { ServerResponse } from "node:http";
import { type FakeRequest, FakeService } from "./http-fake.js";

/** A Slack incoming webhook: answers `ok` to a JSON body with `text`, as Slack does. */
export class FakeSlackWebhook extends FakeService {
  readonly messages: string[] = [];
  /** Statuses for the next requests, e.g. [500]. */
  readonly failures: number[] = [];

  override get url(): string {
    return `${this.http.url}/services/T000/B000/XXXX`;
  }

  protected override handle(request: FakeRequest, response: ServerResponse): void {
    const failure = this.failures.shift();
    if (failure) return void response.writeHead(failure, { "content-type": "text/plain" }).end("scripted_failure");
    let text: unknown;
    try {
      text = (JSON.parse(request.body) as { text?: unknown }).text;
    } catch {
      text = undefined;
    }
    if (typeof text !== "string" || !text) return void response.writeHead(400).end("invalid_payload");
    this.messages.push(text);
    response.writeHead(200, { "content-type": "text/plain" }).end("ok");
  }
}
