import { builtInSources } from "@aiops/shared";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "./api-process.js";
import { type Answer, APP_ERRORS, contractViolation, INGRESS_ERRORS, jsonError } from "./contract.js";
import { PROPERTY_TIMEOUT_MS, runs } from "./fuzz-settings.js";
import { closeClient, send } from "./http-client.js";
import { buildDelivery } from "./requests.js";

/** Methods Node.js's parser knows, in any case, and some it does not. */
const METHODS = [
  "POST",
  "post",
  "GET",
  "HEAD",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "PROPFIND",
  "PURGE",
  "M-SEARCH",
  "SEARCH",
  "FUZZ",
];
const PREFIXES = [
  "/webhook/",
  "/webhook",
  "/webhooks/",
  "/WEBHOOK/",
  "//webhook/",
  "/webhook//",
  "/./webhook/",
  "/x/../webhook/",
  "/",
];
const ODD_NAMES = [
  "..",
  "%2e%2e",
  "%2F",
  "%2f..%2f",
  "%",
  "%ZZ",
  "%E0%A4%A",
  "%C0%AF",
  "%00",
  "%FF",
  "%uD800",
  "__proto__",
  "constructor",
  "hasOwnProperty",
  "new-lead%00",
  "meta%20",
];
const SUFFIXES = [
  "",
  "/",
  "?x=1",
  "?a=%ZZ&a=2",
  "#frag",
  "/extra",
  ";jsessionid=1",
  "%20",
  "?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=wrong",
];
const names = builtInSources.map((s) => s.name);
const percentEncoded = (name: string) =>
  [...name].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join("");

const pathRecipe = fc.record({
  prefix: fc.constantFrom(...PREFIXES),
  name: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names) },
    { weight: 2, arbitrary: fc.constantFrom(...names).map(percentEncoded) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_NAMES) },
    // A request line past 16 KiB is Node.js's to refuse (431); up to 12 KiB it is ours.
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.integer({ min: 1_000, max: 12_000 }), fc.integer({ min: 17_000, max: 30_000 }))
        .map((n) => `l${n}`),
    },
  ),
  suffix: fc.constantFrom(...SUFFIXES),
  method: fc.oneof(
    { weight: 6, arbitrary: fc.constant("POST") },
    { weight: 4, arbitrary: fc.constantFrom(...METHODS) },
  ),
  source: fc.nat({ max: names.length - 1 }),
});
type PathRecipe = typeof pathRecipe extends fc.Arbitrary<infer T> ? T : never;

const expand = (name: string) => (/^l\d+$/.test(name) ? "l".repeat(Number(name.slice(1))) : name);

/** The source a POST to this path is for, decided the way the URL spec and the README say. */
function targetOf(path: string): { route: "webhook"; name: string } | { route: "app" } {
  if (!path.startsWith("/webhook/")) return { route: "app" };
  const query = path.indexOf("?");
  const raw = path.slice("/webhook/".length, query === -1 ? undefined : query);
  if (raw === "" || raw.includes("/")) return { route: "app" };
  try {
    return { route: "webhook", name: decodeURIComponent(raw) };
  } catch {
    return { route: "webhook", name: raw };
  }
}

let api: ApiProcess;
const acknowledged = new Set<string>();

beforeAll(async () => {
  api = await startApiProcess();
});
afterAll(async () => {
  closeClient();
  await api?.close();
});

function check(recipe: PathRecipe, path: string, signedFor: string, answer: Answer): string | undefined {
  // Node.js refuses a request line past its header limit (431), or an unknown method first (400).
  if (path.length > 16_384)
    return [400, 431].includes(answer.status) ? undefined : `${answer.status} for a ${path.length}-byte path`;
  const method = recipe.method.toUpperCase();
  const target = targetOf(path);
  if (method === "POST" && target.route === "webhook") {
    const violation = contractViolation(answer, INGRESS_ERRORS);
    if (violation) return violation;
    const code = jsonError(answer)?.error;
    if (!names.includes(target.name))
      return code === "unknown_source" ? undefined : `${answer.status} ${code} for an unknown source`;
    if (target.name !== signedFor)
      return answer.status === 401 ? undefined : `${answer.status} for a delivery signed for another source`;
    if (answer.status !== 202 && answer.status !== 200) return `${answer.status} ${code} for a correctly signed sample`;
    const { id } = JSON.parse(answer.body.toString("utf8")) as { id: string };
    if ((answer.status === 202) === acknowledged.has(id))
      return `${answer.status} for ${id}, acknowledged before: ${acknowledged.has(id)}`;
    acknowledged.add(id);
    return undefined;
  }
  if (method === "FUZZ")
    return answer.status === 400 && answer.body.length === 0 ? undefined : `${answer.status} for an unknown method`;
  // Express answers every other request: no route (404), Meta's handshake refused (403),
  // or its automatic OPTIONS answer listing a route's methods.
  if (method === "OPTIONS" && answer.status === 200)
    return answer.headers.allow ? undefined : "200 to OPTIONS without Allow";
  if (method === "HEAD")
    return [403, 404].includes(answer.status) && answer.body.length === 0
      ? undefined
      : `HEAD answered ${answer.status}`;
  return contractViolation(answer, APP_ERRORS);
}

it("any method on any path gets a contract answer, and only a signed POST to its source is queued", {
  timeout: PROPERTY_TIMEOUT_MS,
}, async () => {
  await fc.assert(
    fc.asyncProperty(pathRecipe, async (recipe) => {
      const path = `${recipe.prefix}${expand(recipe.name)}${recipe.suffix}`;
      const target = targetOf(path);
      // Signed for the source the path names when it names one, so that it can be accepted.
      const source =
        target.route === "webhook" && names.includes(target.name) ? names.indexOf(target.name) : recipe.source;
      const delivery = buildDelivery(
        {
          source,
          seq: 1,
          body: { kind: "event", extras: [] },
          auth: { kind: "valid" },
          contentType: 0,
          headers: [],
          repeat: false,
        },
        1_048_576,
      );
      let answer: Answer;
      try {
        answer = await send(api.host, api.port, { ...delivery.request, method: recipe.method, path });
      } catch (error) {
        // Refusing an oversized request line, Node.js closes at once: the client may see a reset.
        if (path.length > 16_384 && (error as NodeJS.ErrnoException).code === "ECONNRESET") return;
        await api.exited(500);
        throw new Error(
          api.running() ? `no answer: ${(error as Error).message}` : `the API process died:\n${api.stderr()}`,
        );
      }
      const problem = check(recipe, path, names[source]!, answer);
      if (problem)
        throw new Error(
          `${problem}\n${recipe.method} ${path.slice(0, 200)}\nanswered: ${answer.status} ${answer.body.toString("utf8", 0, 300)}`,
        );
      if (!api.running()) throw new Error(`the API process died:\n${api.stderr()}`);
    }),
    runs(0.2),
  );
  expect(await api.jobIds()).toEqual(acknowledged);
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
});
