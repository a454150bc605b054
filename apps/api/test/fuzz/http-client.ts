import { Agent, request } from "node:http";
import type { Answer } from "./contract.js";

export interface HttpRequest {
  method: string;
  path: string;
  /** An array value sends the header once per element. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** One request over a kept-alive connection; resolves with the answer, rejects on a socket error. */
export function send(host: string, port: number, req: HttpRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Node.js frames a body by itself only for methods that usually carry one: for GET,
    // HEAD or OPTIONS it would send the bytes unframed, and the server would read them
    // as the next request.
    const headers = req.body.length > 0 ? { "content-length": `${req.body.length}`, ...req.headers } : req.headers;
    const outgoing = request({ host, port, agent, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(req.body.length > 0 ? req.body : undefined);
  });
}

export function closeClient(): void {
  agent.destroy();
}
