// The API or a worker as its own operating-system process, started the way `npm run start:api`
// and `npm run start:worker` start them, so a test can signal it, SIGKILL included.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const entry = { api: "apps/api/src/main.ts", worker: "apps/worker/src/main.ts" } as const;
const readyLine = { api: '"api listening"', worker: '"worker started"' } as const;
/** Output kept for assertions and failure messages: a long run keeps its last lines only. */
const MAX_LINES = 4_000;

export type Service = keyof typeof entry;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ServiceProcess {
  readonly child: ChildProcess;
  /** What the process wrote (stdout and stderr), line by line: its JSON logs at `info`. */
  readonly output: string[] = [];
  readonly exited: Promise<Exit>;

  /** Starts `service` with `env` (plus PATH, at LOG_LEVEL info) and `args` after its entry point. */
  constructor(
    readonly service: Service,
    env: NodeJS.ProcessEnv,
    args: readonly string[] = [],
  ) {
    this.child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", entry[service], ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split("\n").filter(Boolean));
      if (this.output.length > MAX_LINES) this.output.splice(0, this.output.length - MAX_LINES / 2);
    };
    this.child.stdout!.on("data", collect);
    this.child.stderr!.on("data", collect);
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves once the process logged that it serves (the API listens, the worker consumes); the
   * default deadline leaves room for a busy machine.
   */
  async ready(timeoutMs = 90_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.some((line) => line.includes(readyLine[this.service]))) {
      if (!this.running || Date.now() > deadline)
        throw new Error(`${this.service} did not start:\n${this.output.slice(-40).join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this;
  }

  /** Sends the signal (unless the process has exited) and resolves once it exits. */
  async kill(signal: NodeJS.Signals): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}
