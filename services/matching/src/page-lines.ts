/**
 * A page as lines with their place and look: where on the page (0 = top), how tall the letters are
 * compared with the page's body text, and how much of the line is upper case. Titles are big,
 * bold, upper case and near the top; the national motto sits above them.
 */
import { foldVietnamese } from './fold.ts';
import { stringSimilarity } from './similarity.ts';
import type { PageText } from './types.ts';

export interface PageLine {
  text: string;
  folded: string;
  /** Top of the line, as a share of the page height (0 = top edge). */
  top: number;
  /** Letter height compared with the page's median line (1 = body text). */
  relativeHeight: number;
  /** Share of letters in upper case. */
  upperRatio: number;
  index: number;
}

const MOTTO = 'cong hoa xa hoi chu nghia viet nam';
const MOTTO_SUB = 'doc lap tu do hanh phuc';

export function upperRatio(text: string): number {
  const letters = [...text].filter((c) => /\p{L}/u.test(c));
  if (!letters.length) return 0;
  return letters.filter((c) => c === c.toUpperCase() && c !== c.toLowerCase()).length / letters.length;
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Lines of a page in reading order. Without word boxes (plain text), lines are spread evenly down the page. */
export function pageLines(page: Pick<PageText, 'text' | 'words' | 'height'>): PageLine[] {
  if (page.words.length) {
    const byLine = new Map<number, PageText['words']>();
    for (const w of page.words) {
      const list = byLine.get(w.line) ?? [];
      list.push(w);
      byLine.set(w.line, list);
    }
    const raw = [...byLine.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, words]) => {
        const sorted = [...words].sort((a, b) => a.box.x0 - b.box.x0);
        const text = sorted.map((w) => w.text).join(' ');
        // Median word height resists one tall word (a seal's stroke, a parenthesis).
        const height = median(sorted.map((w) => w.box.y1 - w.box.y0));
        return { text, top: Math.min(...sorted.map((w) => w.box.y0)), height };
      });
    const pageHeight = page.height || Math.max(1, ...page.words.map((w) => w.box.y1));
    const body = median(raw.map((l) => l.height)) || 1;
    return raw
      .map((l, index) => ({
        text: l.text,
        folded: foldVietnamese(l.text),
        top: l.top / pageHeight,
        relativeHeight: l.height / body,
        upperRatio: upperRatio(l.text),
        index,
      }))
      .filter((l) => l.folded.length > 0);
  }
  const texts = page.text.split('\n').map((t) => t.trim()).filter((t) => foldVietnamese(t).length > 0);
  // Plain text: assume a full A4 page of ~45 lines, so the first lines are near the top.
  const spread = Math.max(45, texts.length);
  return texts.map((text, index) => ({
    text,
    folded: foldVietnamese(text),
    top: (index + 2) / spread,
    relativeHeight: 1,
    upperRatio: upperRatio(text),
    index,
  }));
}

export function isMottoLine(line: PageLine): boolean {
  return stringSimilarity(line.folded.replace(/ /g, ''), MOTTO.replace(/ /g, '')) >= 0.7 ||
    stringSimilarity(line.folded.replace(/ /g, ''), MOTTO_SUB.replace(/ /g, '')) >= 0.7;
}

/** The top of the page where a title is looked for. */
export const TITLE_ZONE = 0.42;

/** Does the page open with the national motto (the head of a form or an official paper)? */
export function hasMotto(lines: PageLine[]): boolean {
  return lines.filter((l) => l.top < 0.2).some((l) => stringSimilarity(l.folded.replace(/ /g, ''), MOTTO.replace(/ /g, '')) >= 0.7);
}

/**
 * Lines that could be the title, with a prominence score: upper case, taller than body text, near
 * the top, not the motto. Consecutive upper-case lines are also offered joined, as long titles wrap.
 */
export function titleCandidates(lines: PageLine[]): Array<{ text: string; folded: string; prominence: number; top: number }> {
  const zone = lines.filter((l) => l.top < TITLE_ZONE && !isMottoLine(l) && l.folded.replace(/[^a-z]/g, '').length >= 4);
  const out: Array<{ text: string; folded: string; prominence: number; top: number }> = [];
  const prominence = (l: PageLine): number =>
    0.45 * l.upperRatio + 0.35 * Math.min(1, Math.max(0, (l.relativeHeight - 0.9) / 0.3)) + 0.2 * (1 - l.top / TITLE_ZONE);
  for (const [i, l] of zone.entries()) {
    out.push({ text: l.text, folded: l.folded, prominence: prominence(l), top: l.top });
    // Long titles wrap over two or three upper-case lines.
    let joined = { text: l.text, folded: l.folded, prominence: prominence(l) };
    for (let k = i + 1; k < Math.min(zone.length, i + 3); k++) {
      const next = zone[k];
      if (next.index !== zone[k - 1].index + 1 || zone[k - 1].upperRatio <= 0.6 || next.upperRatio <= 0.6) break;
      joined = { text: `${joined.text} ${next.text}`, folded: `${joined.folded} ${next.folded}`, prominence: Math.min(joined.prominence, prominence(next)) };
      out.push({ ...joined, top: l.top });
    }
  }
  return out;
}

/** The whole title: the most prominent line and the upper-case lines it wraps onto. */
export function fullTitle(lines: PageLine[]): { text: string; folded: string } | null {
  const first = mostProminentTitle(lines);
  if (!first) return null;
  const joined = titleCandidates(lines).filter((c) => c.text.startsWith(first.text) && c.folded.startsWith(first.folded));
  return joined.reduce((best, c) => (c.text.length > best.text.length ? c : best), first);
}

/** The most title-like line of a page (for display and for learning), or null. */
export function mostProminentTitle(lines: PageLine[]): { text: string; folded: string } | null {
  let best: { text: string; folded: string; prominence: number } | null = null;
  // Ties go to the first (highest) line; a joined pair never beats its own first line.
  for (const c of titleCandidates(lines)) if (!best || c.prominence > best.prominence + 1e-9) best = c;
  return best && best.prominence >= 0.45 ? { text: best.text, folded: best.folded } : null;
}
