export { AiAnswerError } from "./ai-answer-error.js";
export { downstreamError, parseRetryAfter } from "./downstream-error.js";
export { PermanentError } from "./permanent-error.js";
export { RetryableError } from "./retryable-error.js";
