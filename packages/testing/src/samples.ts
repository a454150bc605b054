// Built-in sources' sample events: as jobs the ingress would enqueue, or as signed deliveries.
import { builtInSources, type EventJob, eventJobFor, type SourceDefinition, signedRequest } from "@aiops/shared";
import { TEST_SECRETS } from "./env.js";

let counter = Math.floor(Math.random() * 1_000_000) * 1000;

/** A sequence number no other test uses: sample emails and ids derive from it. */
export function nextSeq(): number {
  return ++counter;
}

function builtInSource(name: string): SourceDefinition {
  const source = builtInSources.find((candidate) => candidate.name === name);
  if (!source) throw new Error(`no built-in source named ${name}`);
  return source;
}

/**
 * The job the ingress enqueues for built-in source `sourceName`'s sample number `seq`
 * (its body changed by `edit` first), built by the ingress's own `eventJobFor`.
 */
export function sampleEvent(sourceName: string, seq = nextSeq(), edit?: (body: any) => void): EventJob {
  const source = builtInSource(sourceName);
  const sample = source.sample(seq, Date.now() + seq);
  const body = structuredClone(sample.body);
  edit?.(body);
  const headers = { "content-type": "application/json", ...sample.headers };
  return eventJobFor(source, { headers, rawBody: Buffer.from(JSON.stringify(body)), body }, Date.now());
}

/**
 * Posts built-in source `sourceName`'s sample number `sequence` (changed by `edit` first) to
 * `baseUrl`, signed with its test secret the way the provider signs; the caller checks the answer.
 */
export async function postSample(baseUrl: string, sourceName: string, sequence: number, edit?: (body: any) => void) {
  const source = builtInSource(sourceName);
  const sample = source.sample(sequence, Date.now());
  edit?.(sample.body);
  const request = signedRequest(source, TEST_SECRETS[source.secretVariable as keyof typeof TEST_SECRETS], sample);
  const response = await fetch(`${baseUrl}/webhook/${sourceName}`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  // Each provider's own JSON, which the tests read and edit freely.
  return { response, body: sample.body as any };
}
