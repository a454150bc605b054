import { type Config, ConfigError } from "@aiops/shared";
import { z } from "zod";

const processes = z.coerce.number().int().min(1).max(64);

/**
 * `start:worker`'s own options: `--processes N` (or `--processes=N`) overrides
 * WORKER_PROCESSES. A bad or unknown option is a ConfigError naming it.
 */
export function workerProcesses(argv: string[], config: Config): number {
  let count = config.WORKER_PROCESSES;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.split("=", 2);
    if (flag !== "--processes") throw new ConfigError(`unknown option ${arg}: the worker takes --processes N`);
    const value = inline ?? argv[++i];
    const parsed = processes.safeParse(value);
    if (!parsed.success)
      throw new ConfigError(`--processes must be a whole number from 1 to 64, got ${value ?? "nothing"}`);
    count = parsed.data;
  }
  return count;
}
