import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FakeOpenAiServer } from "@aiops/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runEvalCli } from "../src/eval/eval-cli.js";
import type { CaseResult, Metrics } from "../src/eval/metrics.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fake = new FakeOpenAiServer();
let dir: string;

beforeAll(async () => {
  await fake.start();
  dir = mkdtempSync(join(tmpdir(), "aiops-eval-"));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.script.length = 0;
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_MODEL: "gpt-4o-mini",
    AI_MAX_RETRIES: "0",
    AI_TIMEOUT_MS: "5000",
    LOG_LEVEL: "silent",
    ...extra,
  };
}

async function evalCli(argv: string[], environment = env()) {
  let stdout = "";
  let stderr = "";
  const code = await runEvalCli(argv, environment, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

// Four leads; the fake model answers "hot" to everything it can parse.
const leads = [
  {
    id: "a",
    split: "train",
    input: { name: "Ana", message: "Quote for 40 seats before the 31st, please.", source: "new-lead" },
    label: { category: "hot" },
  },
  {
    id: "b",
    split: "train",
    input: { name: "Ben", company: "Acme", emailDomain: "acme.io", message: "Ready to buy", source: "new-lead" },
    label: { category: "hot" },
  },
  {
    id: "c",
    split: "train",
    input: { message: "What does it cost for 3 people?", source: "new-lead" },
    label: { category: "warm" },
  },
  {
    id: "d",
    split: "holdout",
    input: { message: "We sell backlinks, DA 50+", source: "new-lead" },
    label: { category: "spam" },
  },
];
function writeSet(name: string, lines: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
  return path;
}

interface Report {
  runs: Array<{
    name: string;
    model: string;
    tasks: Array<{ task: string; metrics: Record<string, Metrics>; cases: CaseResult[] }>;
  }>;
  comparison?: Array<{ task: string; split: string; changes: { changed: number } }>;
  passed: boolean;
}

describe("pnpm eval against an OpenAI-compatible server", () => {
  it("runs each case through the worker's prompt and schema, and scores answers, refusals, tokens and cost per split", async () => {
    const set = writeSet("leads.jsonl", leads);
    const json = join(dir, "report.json");
    const start = fake.requests.length;
    // The first case's answer is a refusal, twice: the provider asks once more, then gives up.
    fake.respondWith(
      { kind: "content", content: "I'm sorry, I can't help with that." },
      { kind: "content", content: "I'm sorry, I can't help with that." },
    );
    const { code, stdout, stderr } = await evalCli([
      "--provider",
      "openai",
      "--set",
      set,
      "--concurrency",
      "1",
      "--json",
      json,
    ]);
    expect(stderr).not.toMatch(/usage/);
    expect(code).toBe(0);

    const requests = fake.requests.slice(start).map((r) => JSON.parse(r.body));
    expect(requests).toHaveLength(5);
    expect(
      requests.every(
        (body) => body.model === "gpt-4o-mini" && body.response_format.json_schema.name === "lead_analysis",
      ),
    ).toBe(true);
    // The same delimited data block the worker sends.
    expect(requests[4].messages[1].content).toBe(`<event_data>\n${JSON.stringify(leads[3]!.input)}\n</event_data>`);

    expect(stdout).toMatch(/train: 3 cases\n {2}accuracy 33\.3% \(1\/3\) · invalid or refused 1 · failed 0/);
    expect(stdout).toMatch(/holdout: 1 cases\n {2}accuracy 0\.0% \(0\/1\)/);
    const report = JSON.parse(readFileSync(json, "utf8")) as Report;
    const [run] = report.runs[0]!.tasks;
    expect(run!.cases.map((c) => [c.id, c.outcome, c.predicted])).toEqual([
      ["a", "invalid", undefined],
      ["b", "answered", "hot"],
      ["c", "answered", "hot"],
      ["d", "answered", "hot"],
    ]);
    const all = run!.metrics.all!;
    expect(all).toMatchObject({ cases: 4, correct: 1, accuracy: 0.25, invalid: 1 });
    expect(all.perClass.hot).toEqual({ precision: 1 / 3, recall: 1 / 2, support: 2, predicted: 3 });
    expect(all.confusion.counts).toEqual([
      [1, 0, 0, 0, 1],
      [1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
    ]);
    // Five billed requests of 120 + 40 tokens at gpt-4o-mini's price, the refused ones included.
    expect(all.tokens).toMatchObject({ prompt: 600, completion: 200 });
    expect(all.costUsd.total).toBeCloseTo((5 * (120 * 0.15 + 40 * 0.6)) / 1e6, 9);
    expect(all.latencyMs.p95).toBeGreaterThanOrEqual(all.latencyMs.p50);
  });

  it("--compare MODEL runs the same cases against that model and shows both side by side", async () => {
    const set = writeSet("leads-compare.jsonl", leads);
    const json = join(dir, "compare.json");
    const start = fake.requests.length;
    const { code, stdout } = await evalCli(["--set", set, "--compare", "gpt-4o", "--json", json]);
    expect(code).toBe(0);
    const models = fake.requests.slice(start).map((r) => JSON.parse(r.body).model as string);
    expect(models.filter((m) => m === "gpt-4o-mini")).toHaveLength(4);
    expect(models.filter((m) => m === "gpt-4o")).toHaveLength(4);
    expect(stdout).toContain("== openai/gpt-4o-mini vs openai/gpt-4o ==");
    expect(stdout).toMatch(/accuracy\s+50\.0%\s+50\.0%\s+\+0\.0 pts/);
    const report = JSON.parse(readFileSync(json, "utf8")) as Report;
    expect(report.runs.map((r) => r.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
    expect(report.runs[1]!.tasks[0]!.metrics.all!.costUsd.perCase).toBeCloseTo((120 * 2.5 + 40 * 10) / 1e6, 9);
    expect(report.comparison?.find((c) => c.split === "all")?.changes.changed).toBe(0);
  });

  it("--compare PROMPT_VERSION asks the same model with that version's prompt file, side by side", async () => {
    const set = writeSet("leads-prompts.jsonl", leads);
    const start = fake.requests.length;
    const { code, stdout } = await evalCli(["--set", set, "--compare", "lead-v2"]);
    expect(code).toBe(0);
    const systems = fake.requests.slice(start).map((r) => JSON.parse(r.body).messages[0].content as string);
    const prompts = join(root, "apps/worker/src/ai/tasks/lead/prompts");
    const v1 = readFileSync(join(prompts, "lead-v1.md"), "utf8").trim();
    const v2 = readFileSync(join(prompts, "lead-v2.md"), "utf8").trim();
    expect(v1).not.toBe(v2);
    expect(systems.filter((text) => text.startsWith(`${v1} `))).toHaveLength(4);
    expect(systems.filter((text) => text.startsWith(`${v2} `))).toHaveLength(4);
    expect(stdout).toContain("== openai/gpt-4o-mini vs openai/gpt-4o-mini lead-v2 ==");
    expect(stdout).toContain("prompt lead-v2");
  });

  it("--compare offline puts the rules provider beside the model on the same cases", async () => {
    const set = writeSet("leads-offline.jsonl", leads);
    const { code, stdout } = await evalCli(["--set", set, "--compare", "offline"]);
    expect(code).toBe(0);
    expect(stdout).toContain("== openai/gpt-4o-mini vs offline-rules/rules-v6 ==");
  });

  it("stops with exit 1 when the server refuses the request itself, instead of scoring every case as failed", async () => {
    const set = writeSet("leads-key.jsonl", leads);
    const { code, stderr } = await evalCli(["--set", set], env({ OPENAI_API_KEY: "wrong-key" }));
    expect(code).toBe(1);
    expect(stderr).toMatch(/eval stopped: case a: AI server answered 401/);
  });
});

describe("pnpm eval with the offline provider", () => {
  it("scores the shipped ticket set per split without a key, a queue or a database", async () => {
    const json = join(dir, "offline.json");
    const start = fake.requests.length;
    const { code, stdout } = await evalCli(["--provider", "offline", "--task", "ticket", "--json", json], {
      LOG_LEVEL: "silent",
    });
    expect(code).toBe(0);
    expect(fake.requests.length).toBe(start);
    const report = JSON.parse(readFileSync(json, "utf8")) as Report;
    expect(report.runs[0]!.name).toBe("offline-rules/rules-v6");
    const [run] = report.runs[0]!.tasks;
    expect(run!.cases.length).toBeGreaterThanOrEqual(130);
    expect(
      run!.cases.every((c) => c.outcome === "answered" && ["urgent", "high", "normal", "low"].includes(c.predicted!)),
    ).toBe(true);
    expect(run!.metrics.train!.cases + run!.metrics.holdout!.cases).toBe(run!.cases.length);
    expect(run!.metrics.all!.tokens.prompt).toBe(0);
    expect(stdout).toMatch(/accuracy, offline-rules\/rules-v6\n {2}task\s+train\s+holdout\s+all\n {2}ticket /);
  });

  it("--split holdout scores the held-out cases alone", async () => {
    const { code, stdout } = await evalCli(["--provider", "offline", "--task", "payment", "--split", "holdout"], {
      LOG_LEVEL: "silent",
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/ · holdout\n/);
    expect(stdout).not.toMatch(/ · train\n/);
  });
});

describe("the pnpm eval command's exit codes", () => {
  // The real entry point in a process of its own, as `pnpm eval` runs it: the exit code is what CI sees.
  function command(args: string[]) {
    const result = spawnSync(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "apps/worker/src/eval/main.ts", ...args],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, OPENAI_API_KEY: "", LOG_LEVEL: "silent" },
      },
    );
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it("exits 1 below --min, and 2 with the usage on a bad flag", () => {
    const below = command(["--provider", "offline", "--task", "ticket", "--min", "0.99"]);
    expect(below.code).toBe(1);
    expect(below.stdout).toMatch(/--min 0\.99: below it on all: ticket \d+\.\d%/);
    const flag = command(["--provider", "gemini"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--provider must be offline or openai, got "gemini"[\s\S]*usage: pnpm eval/);
  }, 90_000);

  it("returns 0 at or above --min, on the selected split", async () => {
    const below = await evalCli(["--provider", "offline", "--task", "ticket", "--split", "holdout", "--min", "0.99"], {
      LOG_LEVEL: "silent",
    });
    expect(below.code).toBe(1);
    expect(below.stdout).toMatch(/--min 0\.99: below it on holdout: ticket/);
    expect(
      (await evalCli(["--provider", "offline", "--task", "payment", "--min", "0"], { LOG_LEVEL: "silent" })).code,
    ).toBe(0);
  });

  it("returns 2 with the usage on a bad flag, value, file or set line, naming the line", async () => {
    const offline = (args: string[]) => evalCli(["--provider", "offline", ...args], { LOG_LEVEL: "silent" });
    expect((await evalCli(["--frobnicate"])).code).toBe(2);
    const help = await evalCli(["--help"]);
    expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/^usage: pnpm eval/)]);
    expect((await offline(["--min", "80"])).stderr).toMatch(/--min must be a number from 0 to 1, got "80"/);
    expect((await offline(["--task", "invoice"])).stderr).toMatch(/--task must be one of lead, ticket, payment/);
    expect((await offline(["--split", "test"])).code).toBe(2);
    expect((await offline(["--compare", "lead-v9"])).stderr).toMatch(
      /no such prompt version .* known: lead-v1, lead-v2, ticket-v1, payment-v1/,
    );
    const broken = writeSet("broken.jsonl", [leads[0], leads[1], { ...leads[2], input: {} }]);
    const set = await offline(["--set", broken]);
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/broken\.jsonl:3: input is not a lead task input: source/);
    expect(set.stderr).toMatch(/usage: pnpm eval/);
    const missing = await offline(["--set", join(dir, "nope.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the set .*nope\.jsonl: ENOENT/);
    const noKey = await evalCli(["--provider", "openai"], { LOG_LEVEL: "silent" });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/OPENAI_API_KEY is not set/);
  });
});
