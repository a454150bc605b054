import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Each task's instructions live in `apps/worker/prompts/<task>/<promptVersion>.md`, so a
 * prompt change is a reviewed diff and `pnpm eval --compare <promptVersion>` can score any
 * version kept there. The folder sits beside `src/` and `dist/` alike, and the Docker
 * runtime image copies it.
 */
export const promptsDir = fileURLToPath(new URL("../../prompts/", import.meta.url));

export class PromptFileError extends Error {
  override readonly name = "PromptFileError";
}

/** A prompt version's text, read at start: a missing file stops the process with its path. */
export function loadPrompt(task: string, version: string): string {
  if (!promptVersions(task).includes(version))
    throw new PromptFileError(
      `no prompt file for ${task} version ${version}: expected ${join(promptsDir, task, `${version}.md`)}`,
    );
  const text = readFileSync(join(promptsDir, task, `${version}.md`), "utf8").trim();
  if (!text) throw new PromptFileError(`the prompt file for ${task} version ${version} is empty`);
  return text;
}

/** The versions of a task's prompt kept in its folder, by name. */
export function promptVersions(task: string): string[] {
  const dir = join(promptsDir, task);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".md"))
    .map((name) => name.slice(0, -".md".length))
    .sort();
}
