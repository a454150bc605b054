// A Redis Cluster of the test's own: masters from the machine's `redis-server` in cluster
// mode, each on a free port in one temporary directory, joined by `redis-cli --cluster
// create`. Nothing of the machine's Redis is touched; close() removes every trace.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port free together with its cluster bus port (port + 10000), which every node also binds. */
async function freeNodePort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await listens(port)) && (await listens(port + 10_000))) return port;
  }
  throw new Error("no free port pair for a cluster node");
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`redis cluster: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export class LocalRedisCluster {
  private readonly dir = mkdtempSync(join(tmpdir(), "aiops-redis-cluster-"));
  private readonly processes: ChildProcess[] = [];
  readonly ports: number[] = [];

  /** The nodes as REDIS_CLUSTER_NODES wants them. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(",");
  }

  /** Starts `masters` nodes, joins them with no replicas, resolves once every node reports cluster_state:ok. */
  static async start(masters = 3): Promise<LocalRedisCluster> {
    const cluster = new LocalRedisCluster();
    try {
      await cluster.boot(masters);
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** Runs redis-cli against one node and returns its answer. */
  async cli(port: number, ...args: string[]): Promise<string> {
    return (await run("redis-cli", ["-p", String(port), ...args])).stdout;
  }

  private async boot(masters: number): Promise<void> {
    const taken = new Set<number>();
    for (let i = 0; i < masters; i++) {
      const port = await freeNodePort(taken);
      taken.add(port).add(port + 10_000);
      this.ports.push(port);
      const args = [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--save",
        "",
        "--appendonly",
        "no",
      ];
      args.push(
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--cluster-node-timeout",
        "5000",
      );
      args.push("--maxmemory-policy", "noeviction", "--logfile", join(this.dir, `redis-${port}.log`));
      this.processes.push(spawn("redis-server", args, { stdio: "ignore" }));
    }
    for (const port of this.ports)
      await until(async () => (await this.cli(port, "PING")).trim() === "PONG", 10_000, `node ${port}`);
    const addresses = this.ports.map((port) => `127.0.0.1:${port}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    for (const port of this.ports)
      await until(
        async () => (await this.cli(port, "CLUSTER", "INFO")).includes("cluster_state:ok"),
        20_000,
        `cluster_state:ok on ${port}`,
      );
  }

  async close(): Promise<void> {
    await Promise.all(
      this.processes.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        return exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
