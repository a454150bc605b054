// Test support (fakes, spawners, harnesses) lives in the private `@aiops/testing` package and
// must never reach the runtime image: neither compiled into a runtime package's dist/ nor
// installed by the image's production install.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const runtimePackages = ["apps/api", "apps/worker", "packages/shared"];
const testOnly = /(^|\/)(test|tests|testing|fakes?|__tests__)\/|\.test\.ts$|(^|\/)fake-[^/]*$/;

/** Every file the compiler reads for `tsc -p <dir>` (what `tsc -b` compiles into its dist/), relative to the root. */
async function compiledFiles(dir: string): Promise<string[]> {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const { stdout } = await promisify(execFile)(process.execPath, [tsc, "-p", dir, "--listFilesOnly"], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((file) => relative(root, file).split(sep).join("/"))
    .filter((file) => !file.includes("node_modules/"));
}

const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as Record<string, Record<string, string>>;

describe("the runtime build", () => {
  it("compiles no test support into apps/api, apps/worker or packages/shared", { timeout: 120_000 }, async () => {
    const programs = await Promise.all(runtimePackages.map(compiledFiles));
    for (const [index, files] of programs.entries()) {
      const dir = runtimePackages[index]!;
      const own = files.filter((file) => file.startsWith(`${dir}/src/`));
      expect(own, dir).toContain(`${dir}/src/index.ts`);
      expect(
        own.filter((file) => testOnly.test(file.slice(dir.length))),
        `test-only files compiled into ${dir}/dist`,
      ).toEqual([]);
      expect(
        files.filter((file) => file.startsWith("packages/testing/")),
        `${dir} imports @aiops/testing`,
      ).toEqual([]);
    }
  });

  it("leaves @aiops/testing out of every production dependency list and out of the image", () => {
    for (const dir of runtimePackages) expect(manifest(dir).dependencies ?? {}).not.toHaveProperty("@aiops/testing");
    // Its own packages (smtp-server, …) are devDependencies: `pnpm install --prod` fetches none of them.
    expect(manifest("packages/testing").dependencies).toBeUndefined();
    expect(manifest("packages/testing").private).toBe(true);
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    const runtimeStage = dockerfile.slice(dockerfile.indexOf(" AS runtime"));
    expect(runtimeStage).toMatch(/COPY --from=build \/app\/apps\/worker\/dist/);
    expect(runtimeStage).not.toMatch(/testing|\/test\b|\/src\b/);
    // The build context carries the package's manifest alone: no stage can compile or copy its code.
    const ignored = readFileSync(join(root, ".dockerignore"), "utf8").split("\n");
    expect(ignored).toContain("packages/testing/src");
  });
});
