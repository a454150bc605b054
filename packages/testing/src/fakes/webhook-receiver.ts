import type { ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";
import { type FakeRequest, FakeService } from "./http-fake.js";

export interface Delivery {
  id: string;
  body: any;
}

/** An outbound webhook receiver that checks Standard Webhooks signatures with the reference library. */
export class WebhookReceiver extends FakeService {
  readonly deliveries: Delivery[] = [];
  rejected = 0;
  /** Statuses for the next requests, e.g. [503]. */
  readonly failures: number[] = [];
  private readonly webhook: Webhook;

  constructor(readonly secret: string) {
    super();
    this.webhook = new Webhook(secret);
  }

  override get url(): string {
    return `${this.http.url}/hooks/aiops`;
  }

  protected override handle(request: FakeRequest, response: ServerResponse): void {
    const failure = this.failures.shift();
    if (failure) return void response.writeHead(failure).end();
    try {
      const body = this.webhook.verify(request.body, request.headers as Record<string, string>);
      this.deliveries.push({ id: String(request.headers["webhook-id"]), body });
      response.writeHead(204).end();
    } catch {
      this.rejected += 1;
      response.writeHead(401).end();
    }
  }
}
