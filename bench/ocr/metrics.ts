/**
 * Accuracy measures of the OCR benchmark, on text normalized the same way for both engines:
 * Unicode NFC, whitespace collapsed to single spaces (reading order still counts).
 */

// Per-page measures are the OCR service's own, so the benchmark and the specs' bounds cannot drift apart.
export { characterErrors, editDistance, normalizeText, rate, wordErrors, type ErrorCount } from '@sohoa/ocr/testing';
import type { ErrorCount } from '@sohoa/ocr/testing';

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
