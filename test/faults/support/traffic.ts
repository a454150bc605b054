// Signed events of all three event types at a steady rate, delivered and retried the way
// the providers do: a 5xx, a timeout or a refused connection is retried with backoff until
// the platform acknowledges the event; nothing else is.
import { builtInSources, type SampleEvent, type SourceDefinition, signedRequest } from "@aiops/shared";
import { TEST_SECRETS } from "@aiops/testing";

/** Sources that map onto the three event types: a lead form, a Zendesk ticket, a Stripe payment. */
const MIX = ["new-lead", "new-ticket", "payment"] as const;
let seqBase = Math.floor(Math.random() * 100_000) * 10_000;

export interface TrafficEvent {
  seq: number;
  source: SourceDefinition;
  sample: SampleEvent;
  /** Written into the text the AI reads, so the fake model's requests name their event. */
  tag: string;
  /** The platform's id for the event, from its first 2xx. */
  id?: string;
  sentAt: number;
  ackedAt?: number;
  deliveries: number;
  /** How many deliveries were answered 202 (more than one is a duplicated acknowledgement). */
  accepted: number;
}

export interface Response {
  at: number;
  /** 0 when the connection failed or timed out. */
  status: number;
}

function tagged(source: SourceDefinition, seq: number, tag: string): SampleEvent {
  // Stripe's sample fails every third seq, which the mix always hits: shift half of them so both outcomes occur.
  const sample = source.sample(source.name === "payment" ? seq + (Math.floor(seq / 3) % 2) : seq, Date.now());
  const body = sample.body as Record<string, any>;
  if (source.name === "new-lead") body.message = `${body.message} ref ${tag}`;
  if (source.name === "new-ticket") body.detail.description = `${body.detail.description} ref ${tag}`;
  if (source.name === "payment" && body.data.object.last_payment_error)
    body.data.object.last_payment_error.message = `Your card was declined, ref ${tag}`;
  return sample;
}

export class Traffic {
  readonly events: TrafficEvent[] = [];
  readonly responses: Response[] = [];
  /** Events the platform refused with a 4xx: a provider would not retry them, the test fails. */
  readonly refused: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: { url: string; ratePerSecond: number; requestTimeoutMs?: number }) {}

  /** A new event, not yet sent. */
  next(): TrafficEvent {
    const seq = ++seqBase;
    const source = builtInSources.find((s) => s.name === MIX[seq % MIX.length])!;
    const tag = `flt${seq}x`;
    const event: TrafficEvent = {
      seq,
      source,
      sample: tagged(source, seq, tag),
      tag,
      sentAt: Date.now(),
      deliveries: 0,
      accepted: 0,
    };
    this.events.push(event);
    return event;
  }

  /** One delivery, signed afresh as a provider's retry is. */
  async deliverOnce(event: TrafficEvent): Promise<Response & { body?: { id?: string; duplicate?: boolean } }> {
    const secret = TEST_SECRETS[event.source.secretVariable as keyof typeof TEST_SECRETS];
    const request = signedRequest(event.source, secret, event.sample);
    event.deliveries++;
    let result: Response & { body?: { id?: string; duplicate?: boolean } };
    try {
      const response = await fetch(`${this.options.url}/webhook/${event.source.name}`, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 5_000),
      });
      result = { at: Date.now(), status: response.status, body: (await response.json()) as { id?: string } };
    } catch {
      result = { at: Date.now(), status: 0 };
    }
    this.responses.push({ at: result.at, status: result.status });
    if (result.status === 202) event.accepted++;
    if ((result.status === 202 || result.status === 200) && result.body?.id) {
      event.id ??= result.body.id;
      event.ackedAt ??= result.at;
    }
    return result;
  }

  /** Delivers until acknowledged, backing off like a provider (capped at 2 s here, to keep tests short). */
  async deliver(event: TrafficEvent, giveUpAfterMs = 120_000): Promise<void> {
    const giveUp = Date.now() + giveUpAfterMs;
    for (let attempt = 0; Date.now() < giveUp; attempt++) {
      const { status } = await this.deliverOnce(event);
      if (status === 202 || status === 200) return;
      if (status !== 0 && status < 500) throw new Error(`event ${event.seq} was refused with ${status}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }

  /** Sends `ratePerSecond` new events a second until `stop()`. */
  start(): this {
    const interval = 1000 / this.options.ratePerSecond;
    let due = Date.now();
    const tick = () => {
      if (this.stopped) return;
      while (due <= Date.now()) {
        due += interval;
        this.track(this.deliver(this.next()));
      }
      this.timer = setTimeout(tick, Math.max(1, due - Date.now()));
    };
    tick();
    return this;
  }

  track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => void this.refused.push(String(error)))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Stops sending new events and waits until every one sent so far is acknowledged (or given up). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  get acknowledged(): TrafficEvent[] {
    return this.events.filter((event) => event.id !== undefined);
  }
}
