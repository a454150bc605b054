import { createServer, type Server } from "node:http";
import { ConfigError } from "@aiops/shared";

/** What the endpoint serves: a prom-client Registry, or the supervisor's aggregate of its children. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** The port a worker's metrics endpoint takes when WORKER_METRICS_PORT is not set. */
export const DEFAULT_METRICS_PORT = 9464;

/** WORKER_METRICS_PORT was set to a port another process holds. */
export class MetricsPortInUseError extends ConfigError {
  constructor(port: number) {
    super(
      `WORKER_METRICS_PORT=${port} is already in use on this host: choose another port, 0 to switch metrics off, or leave it unset to take a free one`,
    );
  }
}

export interface BoundMetrics {
  port: number;
  /** True when the default port was taken and a free one was used instead. */
  fellBack: boolean;
}

/** Serves `/metrics` (Prometheus text) and `/healthz` on the worker's own port. */
export class MetricsServer {
  private server: Server | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly source: MetricsSource) {}

  /**
   * Binds the configured port. Unset: the default, or any free port when another worker of
   * the host holds it, so several workers run side by side. Set explicitly and taken: a
   * MetricsPortInUseError, since a scrape config points at that port.
   */
  async bind(configured: number | undefined, host = "0.0.0.0"): Promise<BoundMetrics> {
    if (configured !== undefined) {
      try {
        return { port: await this.listen(configured, host), fellBack: false };
      } catch (error) {
        throw isAddressInUse(error) ? new MetricsPortInUseError(configured) : error;
      }
    }
    try {
      return { port: await this.listen(DEFAULT_METRICS_PORT, host), fellBack: false };
    } catch (error) {
      if (!isAddressInUse(error)) throw error;
      return { port: await this.listen(0, host), fellBack: true };
    }
  }

  /** Resolves with the bound port (useful when asked for port 0 in tests). */
  listen(port: number, host = "0.0.0.0"): Promise<number> {
    const server = createServer((request, response) => {
      if (request.url === "/metrics") {
        this.source.metrics().then(
          (text) => response.writeHead(200, { "content-type": this.source.contentType }).end(text),
          () => response.writeHead(500).end(),
        );
      } else if (request.url === "/healthz") {
        response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      } else {
        response.writeHead(404).end();
      }
    });
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        this.server = server;
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

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "EADDRINUSE";
}
