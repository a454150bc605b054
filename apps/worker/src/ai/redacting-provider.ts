import type { z } from "zod";
import { redactPii, restorePii } from "./pii.js";
import type { AiAnswer, AiProvider } from "./provider.js";
import type { AiTask } from "./task.js";

/**
 * A remote provider that never sees personal data (`AI_REDACT_PII`): email addresses, phone
 * numbers, card numbers and IBANs in the input become placeholders (`<EMAIL_1>`), and the
 * answer's strings, the drafted reply among them, get the real values back before anyone
 * else reads them. `pnpm eval` asks through this; the worker's `AiService` does the same
 * around its cache, so cached answers keep placeholders too.
 */
export class RedactingProvider implements AiProvider {
  constructor(private readonly inner: AiProvider) {}

  get name(): string {
    return this.inner.name;
  }

  get model(): string {
    return this.inner.model;
  }

  get remote(): boolean {
    return this.inner.remote;
  }

  async complete<I, S extends z.ZodType>(task: AiTask<I, S>, input: I): Promise<AiAnswer<z.infer<S>>> {
    const { value, map } = redactPii(input);
    const answer = await this.inner.complete(task, value);
    return { ...answer, output: restorePii(answer.output, map) };
  }
}
