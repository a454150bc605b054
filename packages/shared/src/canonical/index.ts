// The records every provider's events become, and the helpers the providers read payloads with.
export * from "./fields.js";
export * from "./money.js";
export * from "./schemas.js";
