/** Scoring of the matching benchmark: split boundaries, component matching, field extraction. */
import { extractFields, foldVietnamese, type MatchResult, type SplitResult } from '@sohoa/matching';
import type { BenchBatch, TruthDocument } from './corpus.ts';

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
export const counts = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
export const precision = (c: Counts): number => (c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1);
export const recall = (c: Counts): number => (c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1);
export const f1 = (c: Counts): number => {
  const p = precision(c);
  const r = recall(c);
  return p + r ? (2 * p * r) / (p + r) : 0;
};

/** Document boundaries: the first page of every document (receipts included). */
export function scoreSplit(batch: BenchBatch, split: SplitResult, c: Counts): void {
  const truth = new Set(batch.documents.map((d) => d.pageIds[0]));
  const predicted = new Set(split.documents.map((d) => d.pageIds[0]));
  for (const p of predicted) (truth.has(p) ? c.tp++ : c.fp++);
  for (const t of truth) if (!predicted.has(t)) c.fn++;
}

/** The truth document most of a predicted document's pages belong to. */
export function truthFor(batch: BenchBatch, pageIds: string[]): TruthDocument | null {
  let best: TruthDocument | null = null;
  let bestCount = 0;
  for (const d of batch.documents) {
    const n = pageIds.filter((p) => d.pageIds.includes(p)).length;
    if (n > bestCount) (best = d), (bestCount = n);
  }
  return best;
}

export interface MatchTally {
  documents: number;
  correct: number;
  assigned: number;
  assignedCorrect: number;
  review: number;
  /** Confidence buckets: [low, high) → [count, correct]. */
  calibration: Map<string, [number, number]>;
  misses: string[];
}
export const matchTally = (): MatchTally => ({ documents: 0, correct: 0, assigned: 0, assignedCorrect: 0, review: 0, calibration: new Map(), misses: [] });

export function tallyMatch(t: MatchTally, truth: TruthDocument, result: MatchResult, where: string): void {
  const ok = result.componentCode === truth.code;
  t.documents++;
  if (ok) t.correct++;
  if (result.needsReview) t.review++;
  else {
    t.assigned++;
    if (ok) t.assignedCorrect++;
  }
  const bucket = Math.min(9, Math.floor(result.confidence * 10));
  const key = `${(bucket / 10).toFixed(1)}–${((bucket + 1) / 10).toFixed(1)}`;
  const cell = t.calibration.get(key) ?? [0, 0];
  cell[0]++;
  if (ok) cell[1]++;
  t.calibration.set(key, cell);
  if (!ok || result.needsReview) {
    t.misses.push(
      `${where} ${truth.code}: got ${result.componentCode ?? '—'} (${result.confidence.toFixed(2)}${result.needsReview ? ', review' : ', ASSIGNED'}), ` +
        `runner-up ${result.runnerUp?.componentCode ?? '—'}; title read: ${JSON.stringify(result.title)}`,
    );
  }
}

/** Truth values of one document's fields, from the template's fields and its clean printed text. */
export function fieldTruth(doc: TruthDocument): { identifiers: string[]; names: string[]; dates: string[]; documentNumber: string | null } {
  const identifiers = Object.entries(doc.fields).filter(([k, v]) => k.endsWith('Identifier') && /^\d{12}$/.test(v)).map(([, v]) => v);
  const names = Object.entries(doc.fields).filter(([k]) => k.endsWith('Name') && k !== 'businessName').map(([, v]) => foldVietnamese(v));
  const dates: string[] = [];
  const iso = (d: string, m: string, y: string): string => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  for (const m of doc.text.matchAll(/(?<!\d)(\d{2})\/(\d{2})\/(\d{4})(?!\d)/g)) dates.push(iso(m[1], m[2], m[3]));
  for (const m of doc.text.matchAll(/ngày (\d{2}) tháng (\d{2}) năm (\d{4})/g)) dates.push(iso(m[1], m[2], m[3]));
  const number = /^Số: (\S+)$/m.exec(doc.text)?.[1] ?? null;
  return { identifiers: [...new Set(identifiers)], names: [...new Set(names)], dates: [...new Set(dates)], documentNumber: number };
}

export interface FieldTally {
  identifiers: Counts;
  names: Counts;
  dates: Counts;
  documentNumber: Counts;
}
export const fieldTally = (): FieldTally => ({ identifiers: counts(), names: counts(), dates: counts(), documentNumber: counts() });

function compareSets(found: string[], truth: string[], c: Counts): void {
  const t = new Set(truth);
  for (const f of new Set(found)) (t.has(f) ? c.tp++ : c.fp++);
  for (const x of t) if (!found.includes(x)) c.fn++;
}

export function tallyFields(t: FieldTally, truth: TruthDocument, ocrText: string): void {
  const expected = fieldTruth(truth);
  const got = extractFields(ocrText);
  compareSets(got.identifiers, expected.identifiers, t.identifiers);
  compareSets(got.names.map(foldVietnamese), expected.names, t.names);
  // Dates the paper prints that the truth does not list (none in these templates) would count as false positives.
  compareSets(got.dates, expected.dates, t.dates);
  compareSets(got.documentNumber ? [got.documentNumber] : [], expected.documentNumber ? [expected.documentNumber] : [], t.documentNumber);
}
