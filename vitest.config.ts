import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: [
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "packages/*/src/**/*.test.ts",
      "test/**/*.test.ts",
    ],
    // The fault suite (`pnpm test:faults`) and the compose suite (`pnpm test:compose`) run on their own.
    exclude: ["**/node_modules/**", "test/faults/**", "test/compose/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start servers and workers; two files at a time fit two cores.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
