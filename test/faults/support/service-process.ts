// The API or a worker as its own operating-system process, started the way `npm run start:api`
// and `npm run start:worker` start them, so a test can SIGKILL it.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const entry = { api: "apps/api/src/main.ts", worker: "apps/worker/src/main.ts" } as const;
const readyLine = { api: '"api listening"', worker: '"worker started"' } as const;

export type Service = keyof typeof entry;

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export class ServiceProcess {
  readonly child: ChildProcess;
  /** The last lines the process wrote, for the failure message. */
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly service: Service,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", entry[service]], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split("\n").filter(Boolean));
      if (this.output.length > 400) this.output.splice(0, this.output.length - 200);
    };
    this.child.stdout!.on("data", collect);
    this.child.stderr!.on("data", collect);
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the process logged that it serves. */
  async ready(timeoutMs = 30_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.some((line) => line.includes(readyLine[this.service]))) {
      if (!this.running || Date.now() > deadline)
        throw new Error(`${this.service} did not start:\n${this.output.slice(-40).join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this;
  }

  /** Sends the signal and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}
