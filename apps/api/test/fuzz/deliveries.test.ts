import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "./api-process.js";
import { type Answer, contractViolation, INGRESS_ERRORS, jsonError } from "./contract.js";
import { LIMIT_BYTES, PROPERTY_TIMEOUT_MS, runs } from "./fuzz-settings.js";
import { closeClient, send } from "./http-client.js";
import { buildDelivery, type Delivery, deliveryRecipe } from "./requests.js";

let api: ApiProcess;
/** The id of every event the API acknowledged (202); the queue must hold exactly these. */
const acknowledged = new Set<string>();

beforeAll(async () => {
  api = await startApiProcess({ MAX_BODY_BYTES: `${LIMIT_BYTES}` });
});
afterAll(async () => {
  closeClient();
  await api?.close();
});

function describeExchange(delivery: Delivery, answer: Answer): string {
  const { request } = delivery;
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v).slice(0, 120)]));
  return [
    `${request.method} ${request.path} (signed: ${delivery.signed})`,
    `headers: ${JSON.stringify(headers)}`,
    `body (${request.body.length} bytes): ${request.body.toString("latin1", 0, 300)}`,
    `expected one of: ${JSON.stringify(delivery.expected)}`,
    `answered: ${answer.status} ${answer.body.toString("utf8", 0, 300)}`,
  ].join("\n");
}

/** Checks one answer against the contract and the request's expectations; records acknowledgements. */
function check(delivery: Delivery, answer: Answer): void {
  const fail = (why: string) => {
    throw new Error(`${why}\n${describeExchange(delivery, answer)}`);
  };
  const violation = contractViolation(answer, INGRESS_ERRORS);
  if (violation) fail(violation);
  const code = answer.status >= 400 ? jsonError(answer)?.error : "accepted";
  const allowed = delivery.expected.some(
    (e) => e.status === answer.status && (e.code === undefined || e.code === code),
  );
  if (!allowed) fail("an answer this request must not get");
  if (answer.status !== 200 && answer.status !== 202) return;
  const { id, duplicate } = JSON.parse(answer.body.toString("utf8")) as { id: string; duplicate: boolean };
  if (answer.status === 202 && (duplicate || acknowledged.has(id))) fail(`202 for ${id}, acknowledged before`);
  if (answer.status === 200 && (!duplicate || !acknowledged.has(id)))
    fail(`200 duplicate for ${id}, never acknowledged`);
  acknowledged.add(id);
}

/**
 * Sends the delivery. When Node.js refuses oversized headers it answers 431 and closes the
 * connection at once, so a client still sending its body may see the connection reset
 * instead: that, and only that, is no answer at all.
 */
async function deliver(delivery: Delivery): Promise<Answer | undefined> {
  try {
    return await send(api.host, api.port, delivery.request);
  } catch (error) {
    const nodeRefused = delivery.expected.every((e) => e.status === 431);
    if (nodeRefused && ["ECONNRESET", "EPIPE"].includes((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw new Error(`no answer: ${(error as Error).message}\n${delivery.request.method} ${delivery.request.path}`, {
      cause: error,
    });
  }
}

it("every generated delivery gets a contract answer; only signed ones are queued, each once", {
  timeout: PROPERTY_TIMEOUT_MS,
}, async () => {
  await fc.assert(
    fc.asyncProperty(deliveryRecipe, async (recipe) => {
      const delivery = buildDelivery(recipe, LIMIT_BYTES);
      const first = await deliver(delivery);
      if (!first) return;
      check(delivery, first);
      if (recipe.repeat) {
        // A provider's retry of the same bytes: the same answer, or "duplicate" after a 202.
        const again = await deliver(delivery);
        if (!again) return;
        check(delivery, again);
        const expected = first.status === 202 ? 200 : first.status;
        if (again.status !== expected)
          throw new Error(`a retry got ${again.status} after ${first.status}\n${describeExchange(delivery, again)}`);
      }
      if (!api.running()) throw new Error(`the API process died:\n${api.stderr()}`);
    }),
    runs(0.6),
  );
  expect(await api.jobIds()).toEqual(acknowledged);
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
});
