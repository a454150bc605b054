// Every regular expression run on payload text (the AI code; the providers' schemes, schemas
// and readers; the canonical records) must run in linear time: one that backtracks lets a
// single form submission hold a worker.
// The patterns are read from the source files themselves, so a new one cannot skip the check.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { check } from "recheck";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { countLinks, firstSentence, RULES_MAX_TEXT_CHARS, readable } from "./rules-text.js";
import { leadFeatures, leadRules } from "./tasks/lead/rules.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const scanned = [
  "apps/worker/src/ai",
  "apps/worker/src/normalize",
  "packages/shared/src/providers",
  "packages/shared/src/canonical",
];

interface Found {
  file: string;
  source: string;
  flags: string;
}

function sourceFiles(): string[] {
  return scanned.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .map((name) => join(root, folder, name)),
  );
}

/** The regular expression literals of the scanned files, and any `RegExp` built at run time. */
function collect(): { literals: Found[]; dynamic: string[] } {
  const literals: Found[] = [];
  const dynamic: string[] = [];
  for (const path of sourceFiles()) {
    const file = relative(root, path);
    const tree = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const text = node.getText();
        const end = text.lastIndexOf("/");
        literals.push({ file, source: text.slice(1, end), flags: text.slice(end + 1) });
      }
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText() === "RegExp")
        dynamic.push(`${file}: ${node.getText()}`);
      ts.forEachChild(node, visit);
    };
    visit(tree);
  }
  return { literals, dynamic };
}

const { literals, dynamic } = collect();

/** Inputs that make backtracking patterns slow: long runs of what they repeat, failing at the end. */
function adversarialInputs(length: number): string[] {
  const runs = [
    `http://${"a".repeat(4000)}`,
    "http://",
    "a",
    "1",
    " ",
    "\t",
    "1 ",
    "1\t",
    ". ",
    "!",
    "0.",
    "fail",
    "all our ",
    "attempt ",
    "é",
    "_",
  ];
  const inputs = runs.flatMap((run) => {
    const repeated = run.repeat(Math.ceil(length / run.length)).slice(0, length);
    return [repeated, `${repeated.slice(0, -1)}\u0000`, `x${repeated.slice(2)}!`];
  });
  return [`http://${"a".repeat(4000)}http://${"a".repeat(4000)}`, ...inputs];
}

/**
 * Runs every pattern over every input in a thread of its own, so a pattern that backtracks
 * fails the test at the deadline instead of holding the test process for minutes.
 */
function runInThread(
  patterns: Found[],
  inputs: string[],
  deadlineMs: number,
): Promise<{ done: true } | { done: false; stuckAt: string }> {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    for (const { file, source, flags } of workerData.patterns) {
      parentPort.postMessage(file + ": /" + source + "/" + flags);
      for (const input of workerData.inputs) {
        const pattern = new RegExp(source, flags);
        pattern.test(input);
        input.match(pattern);
        input.split(pattern);
      }
    }
    parentPort.postMessage(null);
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { patterns, inputs } });
    let current = "";
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ done: false, stuckAt: current });
    }, deadlineMs);
    worker.on("message", (message: string | null) => {
      if (message !== null) return void (current = message);
      clearTimeout(timer);
      void worker.terminate();
      resolve({ done: true });
    });
    worker.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe("regular expressions on payload text", () => {
  it("are all literals the check can see, found in every task's rules and signals and in the normalisers", () => {
    expect(dynamic).toEqual([]);
    const rulesFiles = sourceFiles()
      .map((path) => relative(root, path))
      .filter((file) => /tasks[\\/][a-z]+[\\/](rules|signals)\.ts$/.test(file));
    // Each task's rules (lead, ticket, payment) and the keyword lists beside them.
    expect(rulesFiles.length).toBeGreaterThanOrEqual(5);
    const scannedFiles = new Set(literals.map((found) => found.file));
    for (const file of rulesFiles) expect(scannedFiles, file).toContain(file);
    expect([...scannedFiles]).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/providers[\\/]/),
        expect.stringMatching(/canonical[\\/]money\.ts$/),
      ]),
    );
  });

  it("are linear-time by recheck's static analysis", async () => {
    process.env.RECHECK_BACKEND = "pure";
    const verdicts = [];
    for (const { file, source, flags } of literals) {
      // The automaton checker decides by analysis, the same way on every run; the fuzzing
      // checker, recheck's default for long patterns, draws random strings and once in a
      // while calls a linear pattern vulnerable. No time limit: a verdict cut short by a busy
      // machine would be "unknown", not an answer.
      const diagnostics = await check(source, flags, { timeout: null, checker: "automaton" });
      verdicts.push({ file, pattern: `/${source}/${flags}`, status: diagnostics.status });
    }
    expect(verdicts.filter((verdict) => verdict.status !== "safe")).toEqual([]);
  }, 600_000);

  it("finish over adversarial inputs as long as the rules read, where a backtracking pattern takes minutes", async () => {
    const result = await runInThread(literals, adversarialInputs(RULES_MAX_TEXT_CHARS), 20_000);
    expect(result).toEqual({ done: true });
  }, 60_000);
});

describe("the offline rules' own scanning", () => {
  it("counts links the way the old pattern matched them, in one pass", () => {
    expect(countLinks("see http://a.example and HTTPS://b.example or http://c")).toBe(3);
    expect(countLinks("http:// https://  http")).toBe(0);
    expect(leadRules({ message: "http://a http://b http://c", source: "x" })).toMatchObject({
      category: "spam",
      reasons: ["the message is mostly links"],
    });
    // Two links are a link, not "mostly links": the model weighs them with the words around them.
    expect(leadFeatures({ message: "http://a http://b, call me today", source: "x" })).toEqual(
      expect.arrayContaining(["f:link"]),
    );
    expect(leadFeatures({ message: "http://a http://b, call me today", source: "x" })).not.toContain("f:links3");
  });

  it("summarises with the first sentence, ending at a line break or after . ! ?", () => {
    expect(firstSentence("It broke. Badly")).toBe("It broke.");
    expect(firstSentence("Version 1.2 fails! Again")).toBe("Version 1.2 fails!");
    expect(firstSentence("first line\nsecond")).toBe("first line");
    expect(firstSentence("no end at all")).toBe("no end at all");
  });

  it("reads at most RULES_MAX_TEXT_CHARS of a text", () => {
    expect(readable("x".repeat(RULES_MAX_TEXT_CHARS + 50))).toHaveLength(RULES_MAX_TEXT_CHARS);
    const late = `${"x ".repeat(RULES_MAX_TEXT_CHARS)} http://a http://b http://c`;
    expect(leadRules({ message: late, source: "x" }).category).not.toBe("spam");
  });
});
