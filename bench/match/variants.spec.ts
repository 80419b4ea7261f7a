import { describe, expect, it } from 'vitest';
import { REVIEW_THRESHOLD } from '@sohoa/matching';
import { variantCorpus, VARIANT_CODES } from '@sohoa/samples';
import { CATALOG } from './corpus.ts';
import { chooseThreshold, curve, matchVariants, placePapers, STRAY, summarize, type Outcome } from './variants.ts';
import { THRESHOLD_FLOOR } from './variant-report.ts';

/**
 * bench:match's quick subset on the variant corpus (the full run: `npm run bench:match`, bench/results/match.md):
 * two papers of every catalog code per part, procedure known, the laid-out text with OCR slips.
 */
describe('matching on papers as counters see them (quick subset of bench:match)', () => {
  const heldout = variantCorpus('heldout', 2);
  const tuning = variantCorpus('tuning', 2);

  it('draws every code in both parts, with different titles in the held-out part', () => {
    expect(new Set(heldout.map((v) => v.code))).toEqual(new Set(VARIANT_CODES));
    const titles = (docs: typeof heldout) => new Set(docs.filter((v) => v.code !== 'XD-BV').map((v) => v.doc.title));
    const shared = [...titles(heldout)].filter((t) => titles(tuning).has(t));
    // Only plain catalog titles ("GIẤY BÁO TỬ") may appear in both; the wording pools differ.
    expect(shared.length).toBeLessThan(titles(heldout).size / 3);
    expect(heldout.flatMap((v) => v.traits)).toEqual(expect.arrayContaining(['colloquial', 'form-number', 'wrapped', 'issuer-header', 'purpose-line', 'contract-name', 'drawing', 'original']));
  });

  it('files no held-out paper automatically under a wrong component and meets the goals', () => {
    const out = matchVariants(CATALOG, placePapers(CATALOG, heldout), 0.08, [], 'quick-');
    const s = summarize(out);
    expect(s.wrongAssigned).toEqual([]);
    expect(s.top1 / s.documents).toBeGreaterThanOrEqual(0.95);
    expect(s.review / s.documents).toBeLessThanOrEqual(0.15);
  });

  it('keeps the matcher\'s threshold at or above the one the tuning part chooses', () => {
    const out = matchVariants(CATALOG, placePapers(CATALOG, tuning), 0.08, [], 'quick-t-');
    expect(REVIEW_THRESHOLD).toBeGreaterThanOrEqual(Math.max(THRESHOLD_FLOOR, chooseThreshold(out)));
  });

  it('chooses the lowest threshold from which on precision holds, and counts a stray paper as wrong when assigned', () => {
    const o = (code: string, got: string, confidence: number): Outcome => ({ code, got, confidence, ambiguous: false, needsReview: false, traits: [], title: null });
    const outcomes = [o('A', 'A', 0.95), o('B', 'B', 0.9), o('C', 'D', 0.7), o('E', 'E', 0.6), o(STRAY, 'F', 0.4)];
    expect(chooseThreshold(outcomes)).toBe(0.71);
    const at = (t: number) => curve(outcomes).find((p) => p.threshold === t)!;
    expect(at(0.5)).toMatchObject({ assigned: 4, wrong: 1 });
    expect(at(0.3)).toMatchObject({ assigned: 5, wrong: 2 });
    const strays = placePapers(CATALOG, heldout, 5).filter((p) => p.dossierProcedure !== p.paper.procedure);
    expect(strays.length).toBeGreaterThan(0);
    expect(strays.every((p) => p.dossierProcedure !== 'CT' && p.paper.procedure !== 'CT')).toBe(true);
  });
});
