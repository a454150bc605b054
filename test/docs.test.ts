import { readFileSync } from "node:fs";
import { builtInSources, configSchema } from "@aiops/shared";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("the README matches the code", () => {
  it("documents every configuration variable", () => {
    const missing = Object.keys(configSchema.shape).filter(
      (name) => name !== "NODE_ENV" && !readme.includes(`\`${name}\``),
    );
    expect(missing).toEqual([]);
  });

  it("documents every built-in source with its secret variable", () => {
    for (const source of builtInSources) {
      expect(readme).toContain(`| \`${source.name}\` |`);
      expect(readme).toContain(`\`${source.secretVariable}\``);
    }
  });

  it("keeps the Quick start to two commands", () => {
    const block = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const commands = block
      .split("\n")
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter(Boolean);
    expect(commands).toEqual(["npm start", "npm test"]);
  });
});
