// A worker as its own operating-system process, started the way `npm run start:worker` does.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

export class WorkerProcess {
  readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: NodeJS.ProcessEnv, args: string[] = []) {
    this.child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "apps/worker/src/main.ts", ...args],
      {
        cwd: root,
        env: { PATH: process.env.PATH, ...env, LOG_LEVEL: "info" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString().split("\n").filter(Boolean));
    this.child.stdout!.on("data", collect);
    this.child.stderr!.on("data", collect);
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once the worker logged that it consumes the queue. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.some((line) => line.includes('"worker started"'))) {
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`worker did not start:\n${this.output.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }
}
