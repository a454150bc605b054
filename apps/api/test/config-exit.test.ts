// A bad secret must stop the process at start, exit 78 (EX_CONFIG), with one line on stderr
// naming the variable: the processes are started the way `pnpm start:api` / `start:worker` do.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { testEnv } from "@aiops/testing";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

function run(entry: string, overrides: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", entry], {
    cwd: root,
    // PORT 0: were the configuration accepted, the API would start rather than collide.
    env: { PATH: process.env.PATH, ...testEnv({ PORT: "0", WORKER_METRICS_PORT: "0", ...overrides }) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe("a malformed secret stops the process at start", () => {
  it("API: LEAD_WEBHOOK_SECRET=whsec_!!!! (an empty HMAC key) exits 78, naming the variable on one line", async () => {
    const { code, stderr } = await run("apps/api/src/main.ts", { LEAD_WEBHOOK_SECRET: "whsec_!!!!" });
    expect(code).toBe(78);
    expect(stderr).toMatch(/^Invalid configuration: LEAD_WEBHOOK_SECRET: must be canonical base64[^\n]*\n$/);
    expect(stderr).not.toContain("!!!!");
  });

  it("API: a sources-file source with the standard-webhooks scheme and a short secret exits 78", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sources-"));
    const file = join(dir, "sources.json");
    writeFileSync(
      file,
      JSON.stringify({
        sources: [{ name: "forms", scheme: "standard-webhooks", secretVariable: "FORMS_SECRET", type: "lead" }],
      }),
    );
    const { code, stderr } = await run("apps/api/src/main.ts", {
      SOURCES_FILE: file,
      FORMS_SECRET: `whsec_${Buffer.from("too short").toString("base64")}`,
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/^Invalid configuration: FORMS_SECRET: must decode to at least 24 bytes[^\n]*\n$/);
  });

  it("worker: OUTBOUND_WEBHOOK_SECRET=whsec_ exits 78, naming the variable on one line", async () => {
    const { code, stderr } = await run("apps/worker/src/main.ts", {
      OUTBOUND_WEBHOOK_URL: "http://127.0.0.1:9/hook",
      OUTBOUND_WEBHOOK_SECRET: "whsec_",
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/^Invalid configuration: OUTBOUND_WEBHOOK_SECRET: must be canonical base64[^\n]*\n$/);
  });
});
