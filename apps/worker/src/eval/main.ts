// `pnpm eval`: wires the command line to the eval; see eval-cli.ts for what it does.
import { loadEnvFile } from "@aiops/shared";
import { runEvalCli } from "./eval-cli.js";

loadEnvFile();
process.exitCode = await runEvalCli(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});
