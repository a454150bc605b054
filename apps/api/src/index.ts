// What other packages (end-to-end tests, benchmarks) use of the API.
export { createApi, type Api, type ApiOptions } from "./api.js";
export { IngressMetrics } from "./metrics.js";
