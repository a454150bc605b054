import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

/** Serves `/metrics` (Prometheus text) and `/healthz` on the worker's own port. */
export class MetricsServer {
  private server: Server | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly registry: Registry) {}

  /** Resolves with the bound port (useful when asked for port 0 in tests). */
  listen(port: number, host = "0.0.0.0"): Promise<number> {
    this.server = createServer((request, response) => {
      if (request.url === "/metrics") {
        this.registry.metrics().then(
          (text) => response.writeHead(200, { "content-type": this.registry.contentType }).end(text),
          () => response.writeHead(500).end(),
        );
      } else if (request.url === "/healthz") {
        response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      } else {
        response.writeHead(404).end();
      }
    });
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return this.closing;
  }
}
