/** USD per million tokens, [prompt, completion], from the providers' price lists. */
const prices: Record<string, [number, number]> = {
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4o": [2.5, 10],
  "gpt-4.1": [2, 8],
  "gpt-4.1-mini": [0.4, 1.6],
  "gpt-4.1-nano": [0.1, 0.4],
  "gpt-5": [1.25, 10],
  "gpt-5-mini": [0.25, 2],
  "gpt-5-nano": [0.05, 0.4],
};

export interface PriceOverride {
  prompt?: number;
  completion?: number;
}

/** Estimated cost of one answer; dated model names (`gpt-4o-mini-2024-07-18`) use their family's price. */
export function estimateCostUsd(
  model: string,
  promptTokens: number,
  completionTokens: number,
  override: PriceOverride = {},
): number {
  const family = Object.keys(prices)
    .filter((name) => model === name || model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  const [prompt, completion] = family ? prices[family]! : [0, 0];
  const cost =
    (promptTokens * (override.prompt ?? prompt) + completionTokens * (override.completion ?? completion)) / 1_000_000;
  return Math.round(cost * 1_000_000) / 1_000_000;
}
