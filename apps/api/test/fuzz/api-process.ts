// The API as its own process, started like `npm run start:api` on a free port of its own, so an
// input that crashes it is seen as a crash, not swallowed by the test runner.
import { parseConfig } from "@aiops/shared";
import { freePort, ServiceProcess, TestEventsQueue, testEnv } from "@aiops/testing";

export interface ApiProcess {
  host: string;
  port: number;
  url: string;
  env: NodeJS.ProcessEnv;
  /** True while the process runs: an input that crashed it fails the suite. */
  running(): boolean;
  /** Resolves once the process has exited, or after `ms`: a crash takes a moment to be seen. */
  exited(ms: number): Promise<void>;
  /** The last lines the process wrote: a crash's stack trace. */
  stderr(): string;
  /** Ids of every job on the events queue, in any state. */
  jobIds(): Promise<Set<string>>;
  close(): Promise<void>;
}

/** The API in a child process, on its own queue prefix, with every built-in source configured. */
export async function startApiProcess(overrides: Record<string, string | undefined> = {}): Promise<ApiProcess> {
  const host = "127.0.0.1";
  const port = await freePort();
  const env = testEnv({ PORT: String(port), ...overrides });
  const api = await new ServiceProcess("api", env).ready();
  const events = new TestEventsQueue(parseConfig(env));
  return {
    host,
    port,
    url: `http://${host}:${port}`,
    env,
    running: () => api.running,
    exited: (ms) => Promise.race([api.exited.then(() => undefined), new Promise<void>((ok) => setTimeout(ok, ms))]),
    stderr: () => api.output.slice(-200).join("\n"),
    jobIds: () => events.jobIds(),
    async close() {
      await api.kill("SIGTERM");
      await events.close();
    },
  };
}
