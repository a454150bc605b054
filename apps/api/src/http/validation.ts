import type { z } from "zod";

/** At most this many problems are returned, so a hostile document cannot inflate the answer. */
const MAX_DETAILS = 20;

/** A schema's problems as the contract's `details`: where, and what is wrong, never the value. */
export function validationDetails(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.slice(0, MAX_DETAILS).map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}
