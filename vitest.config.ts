import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["apps/*/src/**/*.test.ts", "apps/*/test/**/*.test.ts", "packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    // The fault suite runs on its own (`pnpm test:faults`): it needs the machine to itself.
    exclude: ["**/node_modules/**", "test/faults/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start servers and workers; two files at a time fit two cores.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
