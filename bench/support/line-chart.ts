// Line charts drawn straight into a PNG (pngjs, pure JavaScript): no browser, no native
// canvas, so the soak benchmark runs anywhere Node does. A 3×5 pixel font labels the panels.
import { PNG } from "pngjs";

export interface Series {
  label: string;
  values: number[];
  color: [number, number, number];
}

export interface Panel {
  title: string;
  series: Series[];
}

const GLYPHS: Record<string, string> = {
  "0": "###,#.#,#.#,#.#,###",
  "1": ".#.,##.,.#.,.#.,###",
  "2": "###,..#,###,#..,###",
  "3": "###,..#,###,..#,###",
  "4": "#.#,#.#,###,..#,..#",
  "5": "###,#..,###,..#,###",
  "6": "###,#..,###,#.#,###",
  "7": "###,..#,..#,..#,..#",
  "8": "###,#.#,###,#.#,###",
  "9": "###,#.#,###,..#,###",
  A: ".#.,#.#,###,#.#,#.#",
  B: "##.,#.#,##.,#.#,##.",
  C: "###,#..,#..,#..,###",
  D: "##.,#.#,#.#,#.#,##.",
  E: "###,#..,##.,#..,###",
  F: "###,#..,##.,#..,#..",
  G: "###,#..,#.#,#.#,###",
  H: "#.#,#.#,###,#.#,#.#",
  I: "###,.#.,.#.,.#.,###",
  J: "..#,..#,..#,#.#,###",
  K: "#.#,#.#,##.,#.#,#.#",
  L: "#..,#..,#..,#..,###",
  M: "#.#,###,###,#.#,#.#",
  N: "##.,#.#,#.#,#.#,#.#",
  O: "###,#.#,#.#,#.#,###",
  P: "###,#.#,###,#..,#..",
  Q: "###,#.#,#.#,###,..#",
  R: "##.,#.#,##.,#.#,#.#",
  S: "###,#..,###,..#,###",
  T: "###,.#.,.#.,.#.,.#.",
  U: "#.#,#.#,#.#,#.#,###",
  V: "#.#,#.#,#.#,#.#,.#.",
  W: "#.#,#.#,###,###,#.#",
  X: "#.#,#.#,.#.,#.#,#.#",
  Y: "#.#,#.#,.#.,.#.,.#.",
  Z: "###,..#,.#.,#..,###",
  " ": "...,...,...,...,...",
  ".": "...,...,...,...,.#.",
  "-": "...,...,###,...,...",
  "/": "..#,..#,.#.,#..,#..",
  ":": "...,.#.,...,.#.,...",
  "%": "#.#,..#,.#.,#..,#.#",
  "(": ".#.,#..,#..,#..,.#.",
  ")": ".#.,..#,..#,..#,.#.",
  ",": "...,...,...,.#.,#..",
  "=": "...,###,...,###,...",
  ">": "#..,.#.,..#,.#.,#..",
};

class Canvas {
  readonly png: PNG;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }

  dot(x: number, y: number, [r, g, b]: [number, number, number]) {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const i = (py * this.width + px) * 4;
    this.png.data[i] = r;
    this.png.data[i + 1] = g;
    this.png.data[i + 2] = b;
    this.png.data[i + 3] = 255;
  }

  line(x0: number, y0: number, x1: number, y1: number, color: [number, number, number], thick = 1) {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      for (let dx = 0; dx < thick; dx++) for (let dy = 0; dy < thick; dy++) this.dot(x + dx, y + dy, color);
    }
  }

  text(x: number, y: number, text: string, color: [number, number, number] = [40, 40, 40], scale = 2) {
    let cx = x;
    for (const char of text.toUpperCase()) {
      const rows = (GLYPHS[char] ?? GLYPHS[" "]!).split(",");
      for (const [ry, row] of rows.entries())
        for (const [rx, bit] of [...row].entries()) {
          if (bit !== "#") continue;
          for (let sx = 0; sx < scale; sx++)
            for (let sy = 0; sy < scale; sy++) this.dot(cx + rx * scale + sx, y + ry * scale + sy, color);
        }
      cx += 4 * scale;
    }
    return cx;
  }
}

const short = (n: number) =>
  n >= 10_000 ? `${Math.round(n / 1000)}K` : n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);

/** Panels stacked vertically, sharing the x axis (`xs`, in seconds unless `xUnit` says otherwise). */
export function drawChart(
  xs: number[],
  panels: Panel[],
  title: string,
  width = 1000,
  panelHeight = 200,
  xUnit = "S",
): Buffer {
  const top = 30;
  const canvas = new Canvas(width, top + panels.length * panelHeight);
  canvas.text(10, 8, title, [0, 0, 0]);
  const left = 70;
  const right = width - 20;
  const xMax = Math.max(1, ...xs);
  panels.forEach((panel, index) => {
    const y0 = top + index * panelHeight;
    const plotTop = y0 + 30;
    const plotBottom = y0 + panelHeight - 25;
    const yMax = Math.max(1e-9, ...panel.series.flatMap((s) => s.values)) * 1.1;
    let legendX = canvas.text(left, y0 + 8, panel.title, [0, 0, 0]) + 20;
    for (const series of panel.series) legendX = canvas.text(legendX, y0 + 8, series.label, series.color) + 16;
    const grey: [number, number, number] = [200, 200, 200];
    for (let g = 0; g <= 4; g++) {
      const y = plotBottom - ((plotBottom - plotTop) * g) / 4;
      canvas.line(left, y, right, y, grey);
      canvas.text(8, y - 5, short((yMax * g) / 4));
    }
    canvas.line(left, plotTop, left, plotBottom, [120, 120, 120]);
    for (let t = 0; t <= 4; t++)
      canvas.text(left + ((right - left) * t) / 4 - 10, plotBottom + 8, `${Math.round((xMax * t) / 4)}${xUnit}`);
    const px = (x: number) => left + ((right - left) * x) / xMax;
    const py = (v: number) => plotBottom - ((plotBottom - plotTop) * v) / yMax;
    for (const series of panel.series)
      for (let i = 1; i < xs.length; i++)
        canvas.line(px(xs[i - 1]!), py(series.values[i - 1]!), px(xs[i]!), py(series.values[i]!), series.color, 2);
  });
  return PNG.sync.write(canvas.png);
}
