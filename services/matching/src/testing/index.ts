/** Test helpers: PageText from plain lines, and the sample catalog's candidates. */
import { readFileSync } from 'node:fs';
import { candidatesFromCatalog, type CatalogLike } from '../candidates.ts';
import type { ComponentCandidate, DecodedCode, PageText } from '../types.ts';

export const SAMPLE_CATALOG = JSON.parse(readFileSync(new URL('../../../../samples/catalog.json', import.meta.url), 'utf8')) as CatalogLike;

export function sampleCandidates(procedureCode?: string, results = false): ComponentCandidate[] {
  return candidatesFromCatalog(SAMPLE_CATALOG, procedureCode, { results });
}

/**
 * A page as OCR would store it, from lines of text: one word box per word, line heights given
 * (title lines taller), lines spaced down an A4 page at 200 dpi.
 */
export function pageFromLines(pageId: string, lines: Array<string | { text: string; size: number }>, codes: DecodedCode[] = []): PageText {
  const width = 1654;
  const height = 2339;
  const words: PageText['words'] = [];
  let y = 140;
  lines.forEach((entry, line) => {
    const { text, size } = typeof entry === 'string' ? { text: entry, size: 35 } : entry;
    let x = 240;
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const w = word.length * size * 0.6;
      words.push({ text: word, confidence: 90, box: { x0: x, y0: y, x1: x + w, y1: y + size }, line });
      x += w + size * 0.3;
    }
    y += size * 1.6;
  });
  const text = lines.map((l) => (typeof l === 'string' ? l : l.text)).join('\n');
  return { pageId, blank: lines.length === 0, width, height, text, words, codes };
}

export const blankPage = (pageId: string, codes: DecodedCode[] = []): PageText => ({ pageId, blank: true, width: 1654, height: 2339, text: '', words: [], codes });
