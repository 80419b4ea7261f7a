/**
 * How OCR accuracy is measured, once, for the specs' bounds and the benchmark alike: text normalized to Unicode
 * NFC with whitespace collapsed (reading order still counts), edits counted by Levenshtein distance.
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

/** Character error rate of `recognized` against `truth`. */
export function characterErrorRate(recognized: string, truth: string): number {
  const { errors, length } = characterErrors(recognized, truth);
  return errors / Math.max(1, length);
}
