/**
 * A scanner batch → documents. Pages come in scan order: a receipt or cover sheet, then papers in
 * any order, duplex back sides, maybe separator sheets. Rules, in order, per page:
 *   1. a page with a dossier code (QR/barcode) and no content of its own is a separator: it sets
 *      the dossier and ends the current document, and is kept out of the documents;
 *   2. a blank page is a back side: dropped, recorded;
 *   3. a page titled "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" is the receipt (its own document);
 *   4. a page whose top carries the national motto, or a prominent line reading as a component's
 *      name, starts a new document;
 *   5. any other page continues the current document (or starts one if there is none).
 */
import { findDossierCodeInText, parseDossierCode } from './dossier-code.ts';
import { foldVietnamese } from './fold.ts';
import { RECEIPT_TITLE } from './match.ts';
import { hasMotto, mostProminentTitle, pageLines, titleCandidates, type PageLine } from './page-lines.ts';
import { titleSimilarity } from './similarity.ts';
import type { ComponentCandidate, DossierCodeInfo, LearnedPhrase, PageText, SplitDocument, SplitResult } from './types.ts';

/** A prominent top line at least this similar to a component name starts a document. */
const TITLE_START = 0.8;
/** A page with a code and fewer real words than this is a separator sheet. */
const SEPARATOR_MAX_WORDS = 12;

const RECEIPT_FOLDED = foldVietnamese(RECEIPT_TITLE);

function realWords(text: string): number {
  // Words of three letters or more: what a QR pattern read as text rarely produces many of.
  return foldVietnamese(text).split(' ').filter((w) => /^[a-z]{3,}$/.test(w)).length;
}

function titleOf(lines: PageLine[], names: string[], minimumSimilarity: number): { text: string; similarity: number } | null {
  let best: { text: string; similarity: number } | null = null;
  for (const t of titleCandidates(lines)) {
    // Only lines that look like titles: mostly upper case or set larger than body text.
    if (t.prominence < 0.45) continue;
    for (const name of names) {
      const similarity = titleSimilarity(t.folded, name);
      if (similarity >= minimumSimilarity && (!best || similarity > best.similarity)) best = { text: t.text, similarity };
    }
  }
  return best;
}

/**
 * The dossier a batch belongs to, as its papers say: the first dossier code read off a page (a receipt's QR, a
 * separator's barcode), or else printed on a receipt that comes before any code. Null when nothing says it.
 */
export function dossierCodeOf(pages: PageText[]): DossierCodeInfo | null {
  for (const page of pages) {
    const codes = page.codes.map((c) => parseDossierCode(c.text)).filter((c): c is DossierCodeInfo => c !== null);
    if (codes.length) return codes[0];
    if (!page.blank && titleOf(pageLines(page), [RECEIPT_FOLDED], TITLE_START)) {
      const printed = findDossierCodeInText(page.text);
      if (printed) return { dossierCode: printed, raw: printed };
    }
  }
  return null;
}

export function splitBatch(pages: PageText[], candidates: ComponentCandidate[], learned: LearnedPhrase[] = []): SplitResult {
  const names = [...new Set([...candidates.map((c) => foldVietnamese(c.name)), ...learned.map((p) => p.phrase)])].filter(Boolean);
  const documents: SplitDocument[] = [];
  const separatorPageIds: string[] = [];
  const blankPageIds: string[] = [];
  let current: SplitDocument | null = null;
  const close = (): void => {
    if (current) documents.push(current);
    current = null;
  };

  for (const page of pages) {
    const hasCode = page.codes.some((c) => parseDossierCode(c.text) !== null);
    const lines = page.blank ? [] : pageLines(page);
    const receipt = !page.blank && titleOf(lines, [RECEIPT_FOLDED], TITLE_START);
    if (receipt) {
      close();
      // A long receipt's second page (no title of its own) stays with it.
      current = { pageIds: [page.pageId], kind: 'receipt', title: receipt.text };
      continue;
    }
    const title = page.blank ? null : titleOf(lines, names, TITLE_START);
    const motto = !page.blank && hasMotto(lines);
    if (hasCode && !title && !motto && (page.blank || realWords(page.text) < SEPARATOR_MAX_WORDS)) {
      close();
      separatorPageIds.push(page.pageId);
      continue;
    }
    if (page.blank) {
      blankPageIds.push(page.pageId);
      continue;
    }
    if (title || motto || !current) {
      close();
      current = { pageIds: [page.pageId], kind: 'document', title: title?.text ?? mostProminentTitle(lines)?.text ?? null };
    } else {
      (current as SplitDocument).pageIds.push(page.pageId);
    }
  }
  close();
  return { documents, separatorPageIds, blankPageIds, dossier: dossierCodeOf(pages) };
}
