import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface RawResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/** How the server ended one raw exchange. */
export type RawOutcome =
  | { kind: "response"; response: RawResponse; elapsedMs: number }
  /** The server closed (or reset) the connection without a complete answer. */
  | { kind: "closed"; elapsedMs: number; partial: string }
  /** Nothing happened within the client's own time limit. */
  | { kind: "timeout"; elapsedMs: number };

export interface RawOptions {
  /** The request was HEAD: a Content-Length in the answer announces no body. */
  head?: boolean;
  timeoutMs?: number;
  /** Send the bytes in pieces of this size with `delayMs` between them (a slow client). */
  chunkSize?: number;
  delayMs?: number;
  /** Bytes sent at once before the slow part begins. */
  firstChunk?: number;
  /**
   * With no answer this long after the last byte, close the sending side, as a client that
   * gives up would: a request the parser still waits on (a head never ended) then ends.
   */
  giveUpAfterMs?: number;
}

function parse(buffer: Buffer, head: boolean): { response: RawResponse } | { need: true } {
  let offset = 0;
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n", offset);
    if (end === -1) return { need: true };
    const lines = buffer.subarray(offset, end).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = end + 4;
    // An interim 1xx answer (100 Continue) precedes the real one.
    if (status >= 100 && status < 200) {
      offset = bodyStart;
      continue;
    }
    if (!head && /chunked/i.test(headers["transfer-encoding"] ?? "")) {
      const last = buffer.indexOf("\r\n0\r\n\r\n", bodyStart - 2);
      return last === -1 ? { need: true } : { response: { status, headers, body: buffer.subarray(bodyStart, last) } };
    }
    const length = head || status === 204 || status === 304 ? 0 : Number(headers["content-length"] ?? NaN);
    if (Number.isNaN(length)) return { need: true }; // read to the end of the connection
    if (buffer.length - bodyStart < length) return { need: true };
    return { response: { status, headers, body: buffer.subarray(bodyStart, bodyStart + length) } };
  }
}

function parseAtClose(buffer: Buffer, head: boolean): RawResponse | undefined {
  const parsed = parse(buffer, head);
  if ("response" in parsed) return parsed.response;
  const end = buffer.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(buffer.toString("latin1", 0, end))?.[1]);
  if (!status) return undefined;
  // Without a Content-Length the body runs to the end of the connection.
  const withLength = parse(
    Buffer.concat([
      buffer.subarray(0, end),
      Buffer.from(`\r\ncontent-length: ${buffer.length - end - 4}\r\n\r\n`),
      buffer.subarray(end + 4),
    ]),
    head,
  );
  return "response" in withLength ? withLength.response : undefined;
}

/**
 * Sends bytes exactly as given over a new TCP connection and reads one answer. Unlike any
 * HTTP client it lets through what a client must never send: bare CR or LF, control bytes,
 * invalid methods and versions, conflicting lengths.
 */
export function sendRaw(host: string, port: number, bytes: Buffer, options: RawOptions = {}): Promise<RawOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (outcome: RawOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: "timeout", elapsedMs: elapsed() }), options.timeoutMs ?? 10_000);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parse(received, options.head ?? false);
      if ("response" in parsed) finish({ kind: "response", response: parsed.response, elapsedMs: elapsed() });
    });
    const closed = () => {
      const response = parseAtClose(received, options.head ?? false);
      finish(
        response
          ? { kind: "response", response, elapsedMs: elapsed() }
          : { kind: "closed", elapsedMs: elapsed(), partial: received.toString("latin1", 0, 200) },
      );
    };
    socket.on("end", closed);
    socket.on("close", closed);
    socket.on("error", closed);
    socket.on("connect", async () => {
      if (!options.chunkSize) {
        socket.write(bytes);
        if (options.giveUpAfterMs !== undefined)
          setTimeout(() => received.length === 0 && !done && socket.end(), options.giveUpAfterMs).unref();
        return;
      }
      const first = options.firstChunk ?? 0;
      if (first > 0) socket.write(bytes.subarray(0, first));
      for (let i = first; i < bytes.length && !done && socket.writable; i += options.chunkSize) {
        await sleep(options.delayMs ?? 0);
        if (!done && socket.writable) socket.write(bytes.subarray(i, i + options.chunkSize));
      }
    });
  });
}
