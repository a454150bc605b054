import type { z } from "zod";

/** One kind of question put to a model: its instructions, answer schema and offline rules. */
export interface AiTask<Input, Output extends z.ZodType = z.ZodType> {
  /** Also the JSON schema's name in the request. */
  readonly name: string;
  /**
   * The instructions' file, `ai/tasks/<task>/prompts/<promptVersion>.md`: a new version is
   * a new file, so the old one stays comparable with `pnpm eval --compare`.
   */
  readonly promptVersion: string;
  readonly schema: Output;
  readonly instructions: string;
  /** The offline provider's answer: deterministic, from the same input. */
  rules(input: Input): z.infer<Output>;
}

export type AiOutput<T> = T extends AiTask<unknown, infer S> ? z.infer<S> : never;
