import { z } from "zod";
import { PermanentError } from "../errors/index.js";

/** Validates a canonical record; a payload that cannot become one is a permanent failure. */
export function parseCanonical<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new PermanentError(
    "invalid_event",
    `the payload does not describe a ${what}: ${z.prettifyError(result.error)}`,
  );
}
