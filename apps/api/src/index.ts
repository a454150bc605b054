// What other packages (end-to-end tests, benchmarks) use of the API.
export { type Api, type ApiOptions, createApi } from "./api.js";
export { IngressMetrics } from "./metrics.js";
