import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A task's instructions live in its own folder, `ai/tasks/<task>/prompts/<promptVersion>.md`,
 * so a prompt change is a reviewed diff and `pnpm eval --compare <promptVersion>` can score any
 * version kept there. `pnpm build` copies the files beside the compiled task (scripts/copy-prompts.mjs),
 * so the same relative path works from `src/` and `dist/`.
 */
export interface PromptFolder {
  readonly dir: string;
  /** A prompt version's text, read at start: a missing file stops the process with its path. */
  load(version: string): string;
  /** The versions kept in the folder, by name. */
  versions(): string[];
}

export class PromptFileError extends Error {
  override readonly name = "PromptFileError";
}

/** The prompts of the task named `task`, in the folder at `url` (the task's `./prompts/`). */
export function promptFolder(task: string, url: URL): PromptFolder {
  const dir = fileURLToPath(url);
  const versions = (): string[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith(".md"))
          .map((name) => name.slice(0, -".md".length))
          .sort()
      : [];
  return {
    dir,
    versions,
    load(version) {
      const path = join(dir, `${version}.md`);
      if (!versions().includes(version))
        throw new PromptFileError(`no prompt file for ${task} version ${version}: expected ${path}`);
      const text = readFileSync(path, "utf8").trim();
      if (!text) throw new PromptFileError(`the prompt file for ${task} version ${version} is empty`);
      return text;
    },
  };
}
