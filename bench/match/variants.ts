/**
 * The matching benchmark on papers as counters see them (samples/src/variants.ts): a tuning part, on which the
 * automatic-assignment threshold is chosen, and a held-out part (own seed, own wording pools) that only
 * verifies it. The procedure is known (the receipt's code gives it), so each paper is matched against its
 * procedure's components and results.
 *
 * Text: the generator's laid-out text (what a perfect OCR pass returns, with line boxes from the layout) with
 * Tesseract's usual slips added at a seeded rate, not a live OCR pass: OCR of hundreds of generated pages is
 * too slow on the shared machine. The old corpus (corpus.ts) keeps the real OCR path.
 */
import {
  candidatesFromCatalog, documentsFromPages, learnedPhrasesFrom, REVIEW_THRESHOLD, type CatalogLike, type ComponentCandidate, type FoundDocument,
  type LearnedPhrase, type PageText,
} from '@sohoa/matching';
import { createRng, laidOutLines, ocrSlips, variantCorpus, type VariantDocument, type VariantPart, type VariantTrait } from '@sohoa/samples';

export interface Outcome {
  code: string;
  got: string | null;
  confidence: number;
  ambiguous: boolean;
  needsReview: boolean;
  traits: VariantTrait[];
  title: string | null;
}

/** PageTexts of a variant: laid-out lines → one word box per word, with OCR slips at `slipRate`. */
export function variantPages(v: VariantDocument, id: string, slipRate: number): PageText[] {
  const rng = createRng(id);
  return laidOutLines(v.doc).map((page, p) => {
    const words: PageText['words'] = [];
    const texts: string[] = [];
    page.lines.forEach((line, n) => {
      const text = ocrSlips(line.text, rng.fork(`l${n}`), slipRate);
      texts.push(text);
      const charWidth = line.height * 0.75;
      let x = line.x;
      for (const w of text.split(' ').filter(Boolean)) {
        words.push({ text: w, confidence: 90, box: { x0: x, y0: line.top, x1: x + w.length * charWidth, y1: line.top + line.height }, line: n });
        x += (w.length + 1) * charWidth;
      }
    });
    return { pageId: `${id}-p${p + 1}`, blank: false, width: page.width, height: page.height, text: texts.join('\n'), words, codes: [] };
  });
}

export function candidatesFor(catalog: CatalogLike, procedure: string): ComponentCandidate[] {
  return candidatesFromCatalog(catalog, procedure, { results: true });
}

/** A paper in a dossier: `dossierProcedure` differs from the paper's own for a stray (filed in the wrong dossier). */
export interface Placed {
  paper: VariantDocument;
  dossierProcedure: string;
}

/** The truth code a placed paper should get: its own, or none (review) when it strayed into another procedure's dossier. */
export const STRAY = 'STRAY';
const truthOf = (p: Placed): string => (p.dossierProcedure === p.paper.procedure ? p.paper.code : STRAY);

/**
 * Every paper in its own dossier, and each `strayEvery`-th one also put into another procedure's dossier (papers
 * of one procedure handed in with another's happen at counters): it matches none of that procedure's entries and
 * must go to review. Certification dossiers get none: there any paper is an original brought to be copied.
 */
export function placePapers(catalog: CatalogLike, docs: VariantDocument[], strayEvery = 0): Placed[] {
  const procedures = catalog.procedures.map((p) => p.code).filter((c) => !catalog.procedures.find((p) => p.code === c)!.components.some((x) => /^bản chính/iu.test(x.name)));
  const placed: Placed[] = docs.map((paper) => ({ paper, dossierProcedure: paper.procedure }));
  if (strayEvery > 0) {
    docs.forEach((paper, i) => {
      // Originals brought for copying are papers of any kind: in another dossier they are not strays but that kind.
      if (i % strayEvery !== 0 || !procedures.includes(paper.procedure)) return;
      const others = procedures.filter((c) => c !== paper.procedure);
      placed.push({ paper, dossierProcedure: others[i % others.length] });
    });
  }
  return placed;
}

/**
 * A paper's pages through the one decision the split job makes (documentsFromPages), with the dossier's procedure
 * given: each document it finds (a drawing's sheets may come out as several) is scored against the paper's truth.
 */
function decide(catalog: CatalogLike, pages: PageText[], procedure: string, learned: LearnedPhrase[]): FoundDocument[] {
  return documentsFromPages(pages, { candidates: candidatesFor(catalog, procedure), procedureCode: procedure, learned }).documents.filter((d) => d.kind === 'document');
}

/** Each paper matched against its dossier's procedure's entries. */
export function matchVariants(catalog: CatalogLike, docs: Placed[], slipRate: number, learned: LearnedPhrase[] = [], tag = 'v'): Outcome[] {
  return docs.flatMap((p, i) => decide(catalog, variantPages(p.paper, `${tag}${i}`, slipRate), p.dossierProcedure, learned).map((d) => outcome(p, d)));
}

function outcome(p: Placed, d: FoundDocument): Outcome {
  return { code: truthOf(p), got: d.componentCode, confidence: d.confidence, ambiguous: d.ambiguous ?? false, needsReview: d.needsReview, traits: p.paper.traits, title: d.title };
}

export interface CurvePoint {
  threshold: number;
  coverage: number;
  precision: number;
  assigned: number;
  wrong: number;
}

const assignedAt = (o: Outcome, t: number): boolean => o.confidence >= t && !o.ambiguous;

/** Precision and coverage of automatic assignment for thresholds 0.30 … 0.95. */
export function curve(outcomes: Outcome[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (let t = 30; t <= 95; t++) {
    const threshold = t / 100;
    const assigned = outcomes.filter((o) => assignedAt(o, threshold));
    const wrong = assigned.filter((o) => o.got !== o.code).length;
    points.push({ threshold, coverage: assigned.length / outcomes.length, precision: assigned.length ? 1 - wrong / assigned.length : 1, assigned: assigned.length, wrong });
  }
  return points;
}

/**
 * The lowest threshold from which on every higher one keeps automatic assignment right ≥ `target` and wrong on at
 * most `maxWrong` papers: chosen on the tuning part only.
 */
export function chooseThreshold(outcomes: Outcome[], target = 0.995, maxWrong = 0): number {
  const points = curve(outcomes);
  let chosen = points[points.length - 1].threshold;
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i].precision >= target && points[i].wrong <= maxWrong) chosen = points[i].threshold;
    else break;
  }
  return chosen;
}

export interface Summary {
  documents: number;
  top1: number;
  assigned: number;
  assignedRight: number;
  review: number;
  wrongAssigned: Outcome[];
}

export function summarize(outcomes: Outcome[], threshold = REVIEW_THRESHOLD): Summary {
  const assigned = outcomes.filter((o) => assignedAt(o, threshold));
  return {
    documents: outcomes.length,
    top1: outcomes.filter((o) => o.got === o.code).length,
    assigned: assigned.length,
    assignedRight: assigned.filter((o) => o.got === o.code).length,
    review: outcomes.length - assigned.length,
    wrongAssigned: assigned.filter((o) => o.got !== o.code),
  };
}

/**
 * Clerk corrections teaching the unit's matcher: papers of a learning stream (same part, another seed) arrive
 * in order; each one sent to review is corrected (its title learned for the right component), until N
 * corrections; then the review share on the evaluation papers is measured with what was learned.
 */
export function reviewAfterCorrections(catalog: CatalogLike, part: VariantPart, evalDocs: Placed[], slipRate: number, ns: number[], seed: number): Array<{ corrections: number; review: number; assignedRight: number; assigned: number }> {
  const stream = variantCorpus(part, 12, seed);
  const learned = new Map<string, LearnedPhrase>();
  const out: Array<{ corrections: number; review: number; assignedRight: number; assigned: number }> = [];
  let corrections = 0;
  const measure = (): void => {
    const s = summarize(matchVariants(catalog, evalDocs, slipRate, [...learned.values()], `${part}-`));
    out.push({ corrections, review: s.review / s.documents, assignedRight: s.assigned ? s.assignedRight / s.assigned : 1, assigned: s.assigned });
  };
  const targets = [...ns].sort((a, b) => a - b);
  let next = 0;
  if (targets[next] === 0) (measure(), next++);
  for (const [i, v] of stream.entries()) {
    if (next >= targets.length) break;
    const pages = variantPages(v, `${part}-l${i}`, slipRate);
    if (!decide(catalog, pages, v.procedure, [...learned.values()]).some((d) => d.needsReview)) continue;
    for (const p of learnedPhrasesFrom(pages, v.procedure, v.code)) {
      const key = `${p.procedureCode}\u0000${p.componentCode}\u0000${p.phrase}`;
      const had = learned.get(key);
      learned.set(key, { ...p, weight: (had?.weight ?? 0) + p.weight });
    }
    corrections++;
    if (corrections === targets[next]) (measure(), next++);
  }
  // Fewer papers went to review than asked for: report what the stream gave (once).
  if (next < targets.length && out[out.length - 1]?.corrections !== corrections) measure();
  return out;
}
