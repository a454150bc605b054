// A multinomial logistic regression over binary features: the rubric's signals (which
// generalise to text nobody wrote yet) and the words of the message (which pick up phrasing
// the keyword lists miss). Small enough to read, deterministic to train and to apply.

/** Weights learnt by `trainLinearModel`, committed as a generated file beside each task's rules. */
export interface LinearModel {
  classes: readonly string[];
  bias: readonly number[];
  /** One weight per class for each feature the model kept. */
  weights: Readonly<Record<string, readonly number[]>>;
}

export interface TrainingCase {
  features: readonly string[];
  label: string;
}

export interface TrainOptions {
  /** Gradient steps over the whole set; there is no randomness, so a fixed count is reproducible. */
  epochs?: number;
  rate?: number;
  /** L2 penalty: keeps any one word from deciding a class on its own. */
  l2?: number;
  /** Features seen in fewer training cases than this are dropped (a word seen once is noise). */
  minCount?: (feature: string) => number;
}

/** Each class's probability for a case with these features, in `model.classes` order. */
export function probabilities(model: LinearModel, features: Iterable<string>): number[] {
  const scores = [...model.bias];
  for (const feature of new Set(features)) {
    const weights = model.weights[feature];
    if (weights) for (let k = 0; k < scores.length; k++) scores[k]! += weights[k] ?? 0;
  }
  const top = Math.max(...scores);
  const exp = scores.map((score) => Math.exp(score - top));
  const total = exp.reduce((sum, value) => sum + value, 0);
  return exp.map((value) => value / total);
}

/** The most probable class; ties go to the earlier class, which the rubric orders so that the lower label wins. */
export function predict(model: LinearModel, features: Iterable<string>): { label: string; probabilities: number[] } {
  const p = probabilities(model, features);
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return { label: model.classes[best]!, probabilities: p };
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** Full-batch gradient descent from zero weights: the same cases always give the same model. */
export function trainLinearModel(
  classes: readonly string[],
  cases: readonly TrainingCase[],
  options: TrainOptions = {},
): LinearModel {
  const { epochs = 400, rate = 0.5, l2 = 0.03, minCount = () => 2 } = options;
  const seen = new Map<string, number>();
  for (const item of cases)
    for (const feature of new Set(item.features)) seen.set(feature, (seen.get(feature) ?? 0) + 1);
  const vocabulary = [...seen]
    .filter(([feature, count]) => count >= minCount(feature))
    .map(([feature]) => feature)
    .sort();
  const index = new Map(vocabulary.map((feature, i) => [feature, i]));
  const rows = cases.map((item) => ({
    features: [...new Set(item.features)].flatMap((feature) => (index.has(feature) ? [index.get(feature)!] : [])),
    target: classes.indexOf(item.label),
  }));
  const k = classes.length;
  const weights = vocabulary.map(() => new Array<number>(k).fill(0));
  const bias = new Array<number>(k).fill(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradW = vocabulary.map(() => new Array<number>(k).fill(0));
    const gradB = new Array<number>(k).fill(0);
    for (const row of rows) {
      const scores = bias.map((b, c) => row.features.reduce((sum, f) => sum + weights[f]![c]!, b));
      const top = Math.max(...scores);
      const exp = scores.map((score) => Math.exp(score - top));
      const total = exp.reduce((sum, value) => sum + value, 0);
      for (let c = 0; c < k; c++) {
        const error = exp[c]! / total - (c === row.target ? 1 : 0);
        gradB[c]! += error;
        for (const f of row.features) gradW[f]![c]! += error;
      }
    }
    for (let c = 0; c < k; c++) bias[c]! -= (rate * gradB[c]!) / rows.length;
    for (let f = 0; f < vocabulary.length; f++)
      for (let c = 0; c < k; c++) weights[f]![c]! -= rate * (gradW[f]![c]! / rows.length + l2 * weights[f]![c]!);
  }
  return {
    classes,
    bias: bias.map(round),
    weights: Object.fromEntries(vocabulary.map((feature, f) => [feature, weights[f]!.map(round)])),
  };
}
