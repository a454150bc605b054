/**
 * `pnpm send <source> [--file event.json] [--repeat N] [--url http://host:port]`
 *
 * Signs an event the way the source's provider would, with the first secret the API would
 * accept, and posts it. Repeats send the same event again: the API must answer duplicate.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { builtInSources, loadEnvFile, loadSources, parseConfig, signedRequest } from "@aiops/shared";

const usage = `usage: pnpm send <source> [--file event.json] [--repeat N] [--url URL]
sources: ${builtInSources.map((s) => s.name).join(", ")} (and any in SOURCES_FILE)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

loadEnvFile();
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: "string", short: "f" },
    repeat: { type: "string", short: "n", default: "1" },
    url: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help || positionals.length !== 1) fail(usage);

const config = parseConfig();
const name = positionals[0]!;
const source = loadSources(config).get(name);
if (!source) fail(`unknown source "${name}"\n${usage}`);
const secret = source.secrets[0] ?? fail(`${source.definition.secretVariable} is not set (in the environment or .env)`);
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) fail("--repeat takes a whole number of at least 1");

const event = values.file
  ? {
      body: JSON.parse(readFileSync(values.file, "utf8")) as unknown,
      headers: source.definition.sample(0, Date.now()).headers,
    }
  : source.definition.sample(0, Date.now());
const url = `${values.url ?? `http://127.0.0.1:${config.PORT}`}/webhook/${name}`;

for (let i = 1; i <= repeat; i++) {
  // Each delivery is signed afresh, as providers do on a retry: same event, new signature.
  const request = signedRequest(source.definition, secret, event);
  try {
    const response = await fetch(url, { method: "POST", headers: request.headers, body: request.body });
    process.stdout.write(`${i}/${repeat} ${response.status} ${await response.text()}\n`);
  } catch (error) {
    fail(`cannot reach ${url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
}
