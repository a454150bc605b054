import { PermanentError } from "./permanent-error.js";

/** The model answered twice with something that does not fit the schema; the raw answer is kept. */
export class AiAnswerError extends PermanentError {
  override readonly name = "AiAnswerError";

  constructor(
    message: string,
    readonly rawResponse: string,
    readonly usage: { promptTokens: number; completionTokens: number },
  ) {
    super("ai_invalid_answer", message);
  }
}
