/**
 * A failure that will not go away by trying again: an invalid payload, a model answer that
 * does not fit its schema twice, a downstream 4xx. The worker fails the event at once.
 */
export class PermanentError extends Error {
  override readonly name: string = "PermanentError";
  /** How many times the failing work was tried in this run (an AI step counts its HTTP requests). */
  tries = 1;

  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
