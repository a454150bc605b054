import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { EVENTS_QUEUE, type EventJob, parseConfig } from "@aiops/shared";
import { testEnv } from "@aiops/shared/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

export interface ApiProcess {
  host: string;
  port: number;
  url: string;
  env: NodeJS.ProcessEnv;
  /** True while the process runs: an input that crashed it fails the suite. */
  running(): boolean;
  /** Resolves once the process has exited, or after `ms`: a crash takes a moment to be seen. */
  exited(ms: number): Promise<void>;
  /** What the process wrote to stderr: a crash's stack trace. */
  stderr(): string;
  /** Ids of every job on the events queue, in any state. */
  jobIds(): Promise<Set<string>>;
  close(): Promise<void>;
}

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const server = fileURLToPath(new URL("./server.ts", import.meta.url));

/** The API in a child process, on its own queue prefix, with every built-in source configured. */
export async function startApiProcess(overrides: Record<string, string | undefined> = {}): Promise<ApiProcess> {
  const env = testEnv(overrides);
  const config = parseConfig(env);
  const child: ChildProcess = fork(server, [], {
    cwd: root,
    env,
    execArgv: ["--conditions=source", "--import", "tsx"],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message: { port: number }) => resolve(message.port));
    child.once("exit", (code) => reject(new Error(`the API exited with ${code} before listening:\n${stderr}`)));
  });
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  const queue = new Queue<EventJob>(EVENTS_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
  const host = "127.0.0.1";
  return {
    host,
    port,
    url: `http://${host}:${port}`,
    env,
    running: () => child.exitCode === null && child.signalCode === null,
    exited: (ms) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(resolve, ms);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    stderr: () => stderr,
    async jobIds() {
      const types = ["waiting", "delayed", "prioritized", "paused", "active", "completed", "failed"] as const;
      return new Set(await queue.getRanges([...types], 0, -1));
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      const markers = await connection.keys(`${config.QUEUE_PREFIX}:*`);
      if (markers.length > 0) await connection.del(...markers);
      connection.disconnect();
    },
  };
}
