#!/usr/bin/env node
// Part of `pnpm build`: tsc compiles only TypeScript, so the AI tasks' prompt files
// (apps/worker/src/ai/tasks/<task>/prompts/*.md) are copied to the same place under dist/,
// where each compiled task reads them (`new URL("./prompts/", import.meta.url)`).
// Usage: node scripts/copy-prompts.mjs [DIST_DIR]   (default apps/worker/dist)
import { cpSync, existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const worker = join(dirname(fileURLToPath(import.meta.url)), "..", "apps", "worker");
const tasks = join(worker, "src", "ai", "tasks");
const dist = resolve(process.argv[2] ?? join(worker, "dist"));

for (const task of readdirSync(tasks, { withFileTypes: true })) {
  const prompts = join(tasks, task.name, "prompts");
  if (task.isDirectory() && existsSync(prompts))
    cpSync(prompts, join(dist, "ai", "tasks", task.name, "prompts"), { recursive: true });
}
