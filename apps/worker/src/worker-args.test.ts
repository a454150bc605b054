import { ConfigError, parseConfig } from "@aiops/shared";
import { describe, expect, it } from "vitest";
import { workerProcesses } from "./worker-args.js";

const config = (env: Record<string, string> = {}) => parseConfig(env);

describe("workerProcesses", () => {
  it("takes WORKER_PROCESSES, overridden by --processes N or --processes=N", () => {
    expect(workerProcesses([], config())).toBe(1);
    expect(workerProcesses([], config({ WORKER_PROCESSES: "3" }))).toBe(3);
    expect(workerProcesses(["--processes", "4"], config({ WORKER_PROCESSES: "3" }))).toBe(4);
    expect(workerProcesses(["--processes=2"], config())).toBe(2);
  });

  it("refuses a bad count or an unknown option with a message naming it", () => {
    expect(() => workerProcesses(["--processes", "0"], config())).toThrow(ConfigError);
    expect(() => workerProcesses(["--processes"], config())).toThrow(
      /--processes must be a whole number from 1 to 64, got nothing/,
    );
    expect(() => workerProcesses(["--procs", "2"], config())).toThrow(/unknown option --procs/);
    expect(() => config({ WORKER_PROCESSES: "0" })).toThrow(/WORKER_PROCESSES/);
  });

  it("reads an empty WORKER_METRICS_PORT (Compose's `${VAR:-}`) as unset, not as 0 = off", () => {
    expect(config({ WORKER_METRICS_PORT: "" }).WORKER_METRICS_PORT).toBeUndefined();
    expect(config({ WORKER_METRICS_PORT: "0" }).WORKER_METRICS_PORT).toBe(0);
  });
});
