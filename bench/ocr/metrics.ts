/**
 * Accuracy measures of the OCR benchmark, on text normalized the same way for both engines:
 * Unicode NFC, whitespace collapsed to single spaces (reading order still counts).
 */

export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Edit distance between two sequences (characters or words). */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

export interface ErrorCount {
  /** Edits needed to turn the recognized text into the truth. */
  errors: number;
  /** Length of the truth (characters or words). */
  length: number;
}

export function characterErrors(recognized: string, truth: string): ErrorCount {
  const t = [...normalizeText(truth)];
  return { errors: editDistance([...normalizeText(recognized)], t), length: t.length };
}

export function wordErrors(recognized: string, truth: string): ErrorCount {
  const words = (s: string) => normalizeText(s).split(' ').filter(Boolean);
  const t = words(truth);
  return { errors: editDistance(words(recognized), t), length: t.length };
}

/** Error rate of a page; a blank page (no truth) scores 0 when nothing was read, 1 otherwise. */
export function rate(count: ErrorCount): number {
  if (count.length === 0) return count.errors === 0 ? 0 : 1;
  return count.errors / count.length;
}

/** Corpus rate: total edits over total truth length (long pages weigh more, as they should). */
export function totalRate(counts: ErrorCount[]): number {
  const errors = counts.reduce((s, c) => s + c.errors, 0);
  const length = counts.reduce((s, c) => s + c.length, 0);
  return length ? errors / length : 0;
}

export interface Detection {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Precision and recall of a yes/no decision per page (blank pages here). */
export function detection(predicted: boolean[], actual: boolean[]): Detection {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predicted.forEach((p, i) => {
    if (p && actual[i]) tp++;
    else if (p && !actual[i]) fp++;
    else if (!p && actual[i]) fn++;
  });
  return {
    precision: tp + fp ? tp / (tp + fp) : 1,
    recall: tp + fn ? tp / (tp + fn) : 1,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
  };
}
