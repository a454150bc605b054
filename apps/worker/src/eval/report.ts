import type { CaseResult, Metrics } from "./metrics.js";

const pct = (value: number | null): string => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
const usd = (value: number): string => `$${value.toFixed(6)}`;
const ms = (value: number): string => (value < 10 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`);

/** Left-aligns the first column and right-aligns the others. */
export function table(rows: string[][], indent = "  "): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
          .join("  "),
    )
    .join("\n");
}

export function formatMetrics(title: string, m: Metrics): string {
  const classes = Object.entries(m.perClass);
  const perClass = [["class", "precision", "recall", "labelled", "answered"]];
  for (const [label, c] of classes)
    perClass.push([label, pct(c.precision), pct(c.recall), String(c.support), String(c.predicted)]);
  const { labels, columns, counts } = m.confusion;
  const confusion = [["label \\ answer", ...columns], ...labels.map((label, i) => [label, ...counts[i]!.map(String)])];
  return [
    `${title}: ${m.cases} cases`,
    `  accuracy ${pct(m.accuracy)} (${m.correct}/${m.cases}) · invalid or refused ${m.invalid} · failed ${m.failed}`,
    `  tokens per case ${m.tokens.promptPerCase.toFixed(0)} prompt + ${m.tokens.completionPerCase.toFixed(0)} completion · cost per case ${usd(m.costUsd.perCase)} (total ${usd(m.costUsd.total)}) · latency p50 ${ms(m.latencyMs.p50)}, p95 ${ms(m.latencyMs.p95)}`,
    table(perClass),
    "  confusion (rows: label, columns: answer)",
    table(confusion, "    "),
  ].join("\n");
}

export interface Changes {
  /** Cases both runs answered with a different label. */
  changed: number;
  /** Right in the first run, wrong in the second. */
  worse: number;
  /** Wrong in the first run, right in the second. */
  better: number;
}

/** How the second run's answers differ from the first's, case by case (same cases, same order). */
export function changes(a: CaseResult[], b: CaseResult[]): Changes {
  let changed = 0;
  let worse = 0;
  let better = 0;
  for (const [i, first] of a.entries()) {
    const second = b[i]!;
    if (first.predicted !== second.predicted) changed++;
    const right1 = first.predicted === first.expected;
    const right2 = second.predicted === second.expected;
    if (right1 && !right2) worse++;
    if (!right1 && right2) better++;
  }
  return { changed, worse, better };
}

/** Two runs of the same cases, side by side. */
export function formatComparison(
  title: string,
  names: [string, string],
  a: Metrics,
  b: Metrics,
  diff: Changes,
): string {
  const delta = (x: number, y: number): string => `${y - x >= 0 ? "+" : ""}${((y - x) * 100).toFixed(1)} pts`;
  const rows = [
    ["", names[0], names[1], "Δ"],
    ["accuracy", pct(a.accuracy), pct(b.accuracy), delta(a.accuracy, b.accuracy)],
    ...Object.keys(a.perClass).flatMap((label) => {
      const x = a.perClass[label]!;
      const y = b.perClass[label]!;
      return [
        [`  ${label} precision`, pct(x.precision), pct(y.precision), ""],
        [`  ${label} recall`, pct(x.recall), pct(y.recall), ""],
      ];
    }),
    ["invalid or refused", String(a.invalid), String(b.invalid), ""],
    ["failed", String(a.failed), String(b.failed), ""],
    [
      "tokens per case",
      `${(a.tokens.promptPerCase + a.tokens.completionPerCase).toFixed(0)}`,
      `${(b.tokens.promptPerCase + b.tokens.completionPerCase).toFixed(0)}`,
      "",
    ],
    ["cost per case", usd(a.costUsd.perCase), usd(b.costUsd.perCase), ""],
    ["latency p50", ms(a.latencyMs.p50), ms(b.latencyMs.p50), ""],
    ["latency p95", ms(a.latencyMs.p95), ms(b.latencyMs.p95), ""],
  ];
  return [
    `${title}: ${a.cases} cases`,
    table(rows),
    `  answers changed ${diff.changed} · right before, wrong after ${diff.worse} · wrong before, right after ${diff.better}`,
  ].join("\n");
}
