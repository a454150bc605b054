import { readFileSync } from "node:fs";

/**
 * CPU time the whole machine spent busy (every process and the kernel: client, Postgres,
 * Redis), in milliseconds, from Linux's `/proc/stat`; `undefined` elsewhere. The difference
 * between two readings, divided by the work done, is what that work cost the machine.
 */
export function machineBusyMs(): number | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    // USER_HZ is 100 on every Linux build that matters here.
    return (fields.reduce((sum, value) => sum + value, 0) - idle) * 10;
  } catch {
    return undefined;
  }
}
