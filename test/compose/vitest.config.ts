import { defineConfig } from "vitest/config";

// The compose suite (`pnpm test:compose`): builds the images and runs docker-compose.yml with
// a real engine. One file, its steps in order, each allowed a few minutes on a cold machine.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/compose/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ["default"],
  },
});
