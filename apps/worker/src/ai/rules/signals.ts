/** A keyword rule of the offline provider: a pattern, its weight and the reason it gives. */
export interface Signal {
  pattern: RegExp;
  weight: number;
  reason: string;
}

export function matching(signals: readonly Signal[], text: string): Signal[] {
  return signals.filter((signal) => signal.pattern.test(text));
}

export function clamp(value: number, min = 0, max = 100): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** The first sentence of a text, shortened: the offline provider's summary. */
export function firstSentence(text: string, max = 200): string {
  const sentence = text.split(/(?<=[.!?])\s|\n/)[0]?.trim() ?? "";
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}
