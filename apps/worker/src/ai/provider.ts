import type { z } from "zod";
import type { AiTask } from "./task.js";

export interface AiAnswer<T> {
  output: T;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** HTTP requests this answer took, retries included. */
  requests: number;
}

/** Something that fills a task's schema: a remote model, or the offline rules. */
export interface AiProvider {
  readonly name: string;
  readonly model: string;
  /** Remote answers cost money and time: they are cached and rate limited. */
  readonly remote: boolean;
  complete<I, S extends z.ZodType>(task: AiTask<I, S>, input: I): Promise<AiAnswer<z.infer<S>>>;
}
