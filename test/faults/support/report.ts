// Each scenario's figures, printed and kept under bench/results/ for the table in docs/reliability.md.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Outcome } from "./verify.js";

const dir = fileURLToPath(new URL("../../../bench/results/", import.meta.url));
const file = `${dir}faults.json`;

export interface ScenarioReport extends Outcome {
  scenario: string;
  command: string;
  seconds: number;
  notes: string;
  at: string;
}

export function record(report: Omit<ScenarioReport, "at">): void {
  mkdirSync(dir, { recursive: true });
  let all: Record<string, ScenarioReport> = {};
  try {
    all = JSON.parse(readFileSync(file, "utf8")) as Record<string, ScenarioReport>;
  } catch {
    // first scenario of the run
  }
  all[report.scenario] = { ...report, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  const rows = Object.values(all).map(
    (r) =>
      `| ${r.scenario} | ${r.sent} | ${r.acknowledged} | ${r.completed} | ${r.lost} | ${r.duplicated} | ${r.notes} | \`${r.command}\` |`,
  );
  const table = [
    "| scenario | sent | acknowledged | completed | lost | duplicated | notes | reproduce |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ...rows,
  ];
  writeFileSync(`${dir}faults.md`, `${table.join("\n")}\n`);
  process.stdout.write(`\n[faults] ${report.scenario}: ${JSON.stringify({ ...report, command: undefined })}\n`);
}
