import type { z } from "zod";
import type { AiAnswer, AiProvider } from "./provider.js";
import type { AiTask } from "./task.js";

/**
 * The provider when no OpenAI key is set: the rubric's signals weighed by a small trained
 * model (each task's rules.ts in ai/tasks/, docs/ai.md), deterministic, free and offline.
 * Its answers go through the same schema as a model's, so nothing downstream can tell.
 */
export class RulesProvider implements AiProvider {
  readonly name = "offline-rules";
  /** Part of the AI cache's key: a new version of the rules is never served an older one's answers. */
  readonly model = "rules-v6";
  readonly remote = false;

  async complete<I, S extends z.ZodType>(task: AiTask<I, S>, input: I): Promise<AiAnswer<z.infer<S>>> {
    const output = task.schema.parse(task.rules(input));
    return { output, provider: this.name, model: this.model, promptTokens: 0, completionTokens: 0, requests: 0 };
  }
}
