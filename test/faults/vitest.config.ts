import { defineConfig } from "vitest/config";

// The fault suite (`pnpm test:faults`): each scenario runs the API and several workers as
// processes and loads two cores on its own, so files run one at a time.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/faults/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ["default"],
  },
});
