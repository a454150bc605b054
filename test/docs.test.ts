import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { builtInSources, configSchema } from "@aiops/shared";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const readme = read("README.md");
const docPages = readdirSync(join(root, "docs"))
  .filter((name) => name.endsWith(".md"))
  .map((name) => `docs/${name}`);
const variables = Object.keys(configSchema.shape).filter((name) => name !== "NODE_ENV");

/** The text outside fenced code blocks, where links and headings mean what they say. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}_\- ]/gu, "")
    .replace(/ /g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = anchor(heading!.trim());
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

describe("the README matches the code", () => {
  it("documents every configuration variable", () => {
    const missing = variables.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it("documents every built-in source with its secret variable", () => {
    for (const source of builtInSources) {
      expect(readme).toMatch(new RegExp(`^\\| \`${source.name}\` +\\|`, "m"));
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

describe("the docs hold together", () => {
  it("gives every configuration variable a row in docs/configuration.md", () => {
    const rows = read("docs/configuration.md")
      .split("\n")
      .filter((line) => line.startsWith("| `"));
    const missing = variables.filter((name) => !rows.some((row) => row.includes(`\`${name}\``)));
    expect(missing).toEqual([]);
  });

  it("lists every page of docs/ in the README's Documentation section", () => {
    const section = /^## Documentation\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? "";
    const listed = [...section.matchAll(/\]\((docs\/[^)#]+\.md)\)/g)].map((match) => match[1]);
    expect(docPages.filter((page) => !listed.includes(page))).toEqual([]);
  });

  it("has no relative link to a missing file or heading", () => {
    const broken: string[] = [];
    for (const page of ["README.md", ...docPages]) {
      for (const [, target] of prose(read(page)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        const [path = "", hash] = target!.split("#");
        const file = path === "" ? page : relative(root, join(root, dirname(page), decodeURI(path)));
        if (!existsSync(join(root, file))) broken.push(`${page}: ${target} (no file)`);
        else if (hash !== undefined && file.endsWith(".md") && !anchorsOf(read(file)).has(hash)) {
          broken.push(`${page}: ${target} (no heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
