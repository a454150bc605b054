import { z } from "zod";

/** Keywords OpenAI's strict structured outputs refuse; zod still enforces them on the answer. */
const unsupported = new Set(["$schema", "maxLength", "minLength"]);

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([key]) => !unsupported.has(key))
      .map(([key, value]) => [key, strip(value)]),
  );
}

const generated = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * The JSON Schema sent as `response_format`, generated from the zod schema that validates
 * the answer: once per schema, since generating it costs more client CPU than the request.
 */
export function strictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  let json = generated.get(schema);
  if (!json) {
    json = strip(z.toJSONSchema(schema, { target: "draft-7" })) as Record<string, unknown>;
    generated.set(schema, json);
  }
  return json;
}
