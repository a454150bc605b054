import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

export type Handler = (request: FakeRequest, response: ServerResponse) => void | Promise<void>;

/** A real HTTP server on a free local port, recording every request it answers. */
export class HttpFake {
  readonly requests: FakeRequest[] = [];
  private server: Server | undefined;
  url = "";

  constructor(private readonly handler: Handler) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const request = {
          method: req.method ?? "GET",
          path: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          at: Date.now(),
        };
        this.requests.push(request);
        Promise.resolve(this.handler(request, res)).catch((error: unknown) => {
          res.writeHead(500).end(String(error));
        });
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A downstream service faked on an `HttpFake`: a subclass answers in `handle`, and may add
 * a path to `url` (a webhook's, an API version's) for the worker to be pointed at.
 */
export abstract class FakeService {
  protected readonly http = new HttpFake((request, response) => this.handle(request, response));

  get url(): string {
    return this.http.url;
  }

  get requests(): FakeRequest[] {
    return this.http.requests;
  }

  /** Listens on a free local port; resolves to `url`. */
  async start(): Promise<string> {
    await this.http.start();
    return this.url;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  protected abstract handle(request: FakeRequest, response: ServerResponse): void | Promise<void>;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}
