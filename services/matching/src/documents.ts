/**
 * A recognized batch → its documents, each with its component: the one decision the batch.split job, `sohoa match`
 * and bench:match share. Pure: pages and the catalog in, documents out; reading the pages and storing the documents
 * are the caller's.
 */
import { extractFields } from './fields.ts';
import { matchDocument } from './match.ts';
import { splitBatch } from './split.ts';
import type { ComponentCandidate, DossierCodeInfo, ExtractedFields, LearnedPhrase, MatchScore, PageText } from './types.ts';

export interface DocumentsFromPagesOptions {
  /** The catalog's components (and results) of every procedure: those of `procedureCode` are used when it is known. */
  candidates: ComponentCandidate[];
  /**
   * The dossier's procedure as the caller settled it (given with the batch, or read off the receipt's code: see
   * dossierCodeOf). Null: not known, papers are matched against every procedure's components.
   */
  procedureCode: string | null;
  /** What clerks' confirmations taught the unit. */
  learned?: LearnedPhrase[];
  /** The component the clerk gave with the batch: every paper but the receipt is that one, and confirmed by the clerk. */
  givenComponent?: string | null;
}

export interface FoundDocument {
  kind: 'document' | 'receipt';
  /** In scan order. */
  pageIds: string[];
  /** Blank back sides that followed its pages in scan order (dropped from the record, counted in it). */
  blankPageIds: string[];
  procedureCode: string | null;
  componentCode: string | null;
  title: string | null;
  /** 0..1; 1 for a receipt and a component the clerk gave. */
  confidence: number;
  runnerUp: MatchScore | null;
  /** Why, in words. */
  explanation: string[];
  fields: ExtractedFields;
  needsReview: boolean;
  /** The matcher found it too close to its runner-up to assign at any threshold (part of needsReview). */
  ambiguous?: boolean;
  /** Who named the component: the receipt is itself, the clerk gave it with the batch, or the matcher scored it. */
  decidedBy: 'receipt' | 'clerk' | 'matcher';
}

export interface FoundDocuments {
  /** What the receipt's or a separator's code says about the dossier. */
  dossier: DossierCodeInfo | null;
  documents: FoundDocument[];
  /** Blank pages (each also listed with the document it is the back side of). */
  blankPageIds: string[];
  separatorPageIds: string[];
  /** The dossier's procedure: the one given, else the one all confidently matched papers agree on, else null. */
  procedureCode: string | null;
}

export function documentsFromPages(pages: PageText[], options: DocumentsFromPagesOptions): FoundDocuments {
  const { procedureCode, learned = [], givenComponent = null } = options;
  const candidates = procedureCode ? options.candidates.filter((c) => c.procedureCode === procedureCode) : options.candidates;
  const split = splitBatch(pages, candidates);
  const byId = new Map(pages.map((p) => [p.pageId, p]));
  const backSides = attributeBlankPages(pages.map((p) => p.pageId), split.documents.map((d) => d.pageIds), split.blankPageIds);

  const documents = split.documents.map((doc, position): FoundDocument => {
    const docPages = doc.pageIds.map((id) => byId.get(id)!);
    const fields = extractFields(docPages.map((p) => p.text).join('\n'));
    const base = { kind: doc.kind, pageIds: doc.pageIds, blankPageIds: backSides[position], fields };
    if (doc.kind === 'receipt') {
      return { ...base, procedureCode, componentCode: null, title: doc.title, confidence: 1, runnerUp: null, explanation: ['receipt of the dossier (giấy tiếp nhận)'], needsReview: false, decidedBy: 'receipt' };
    }
    if (givenComponent) {
      return { ...base, procedureCode, componentCode: givenComponent, title: doc.title, confidence: 1, runnerUp: null, explanation: ['component given by the clerk with the batch'], needsReview: false, decidedBy: 'clerk' };
    }
    const m = matchDocument(docPages, candidates, learned);
    return { ...base, procedureCode: m.procedureCode, componentCode: m.componentCode, title: m.title ?? doc.title, confidence: m.confidence, runnerUp: m.runnerUp, explanation: m.explanation, needsReview: m.needsReview, ambiguous: m.ambiguous, decidedBy: 'matcher' };
  });

  // A dossier received without its procedure takes the one its confidently matched papers agree on.
  const agreed = new Set(documents.filter((d) => d.kind === 'document' && !d.needsReview && d.procedureCode).map((d) => d.procedureCode));
  return {
    dossier: split.dossier,
    documents,
    blankPageIds: split.blankPageIds,
    separatorPageIds: split.separatorPageIds,
    procedureCode: procedureCode ?? (agreed.size === 1 ? [...agreed][0] : null),
  };
}

/** A blank page belongs to the document whose page it follows in scan order (its back side); leading blanks to the first. */
function attributeBlankPages(scanOrder: string[], documents: string[][], blankIds: string[]): string[][] {
  const owner = new Map<string, number>();
  documents.forEach((ids, i) => ids.forEach((id) => owner.set(id, i)));
  const blank = new Set(blankIds);
  const result = documents.map(() => [] as string[]);
  let last: number | null = null;
  const leading: string[] = [];
  for (const id of scanOrder) {
    if (owner.has(id)) last = owner.get(id)!;
    else if (blank.has(id)) (last === null ? leading : result[last]).push(id);
  }
  if (result.length) result[0].unshift(...leading);
  return result;
}
