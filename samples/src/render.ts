/**
 * Lays a document's blocks out on an A4 page and renders it with sharp from
 * SVG <text>. The ground truth is produced by the same layout pass, so the
 * text file always has exactly one line per rendered line.
 */
import sharp from 'sharp';
import type { Block, DocumentContent } from './documents.ts';

export const A4_MM = { width: 210, height: 297 } as const;

export interface PageGeometry {
  dpi: number;
  width: number;
  height: number;
}

export function a4Geometry(dpi: number): PageGeometry {
  return { dpi, width: Math.round((A4_MM.width / 25.4) * dpi), height: Math.round((A4_MM.height / 25.4) * dpi) };
}

export interface LaidLine {
  text: string;
  /** Baseline position in px. */
  x: number;
  y: number;
  anchor: 'start' | 'middle';
  sizePx: number;
  bold: boolean;
  italic: boolean;
}

export interface Layout {
  lines: LaidLine[];
  /** Where the signer's role line sits: seals and signatures go around it. */
  signatureAnchor: { x: number; y: number };
}

export interface RenderedPage {
  png: Buffer;
  geometry: PageGeometry;
  /** Ground truth, one entry per rendered line, reading order. */
  lines: string[];
  signatureAnchor: { x: number; y: number };
}

/** Paper colours: office white and the yellowed stock of older papers. */
export const PAPER = { white: '#fdfdfb', yellowed: '#f3e8c8' } as const;
export type Paper = keyof typeof PAPER;

const MARGIN_MM = { left: 30, right: 18, top: 18 } as const;
const LINE_HEIGHT = 1.5;

/**
 * Advance widths of DejaVu Serif, roughly, in em. Over-estimating is the safe
 * side: a line wrapped early is still true ground truth, one running off the
 * page is not.
 */
function estimateWidthEm(text: string, bold: boolean): number {
  let em = 0;
  for (const ch of text.normalize('NFD')) {
    if (/\p{M}/u.test(ch)) continue;
    if (ch === ' ') em += 0.32;
    else if (/[0-9]/.test(ch)) em += 0.64;
    else if (/[A-ZĐ]/.test(ch)) em += 0.74;
    else if (/[a-zđ]/.test(ch)) em += /[iljtf]/.test(ch) ? 0.36 : /[mw]/.test(ch) ? 0.95 : 0.6;
    else em += 0.4;
  }
  return bold ? em * 1.08 : em;
}

function wrap(text: string, maxPx: number, sizePx: number, bold: boolean): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && estimateWidthEm(candidate, bold) * sizePx > maxPx) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  if (current) lines.push(current);
  return lines;
}

export function layoutBlocks(blocks: Block[], geometry: PageGeometry): Layout {
  const px = (pt: number): number => (pt * geometry.dpi) / 72;
  const mm = (v: number): number => (v * geometry.dpi) / 25.4;
  const left = mm(MARGIN_MM.left);
  const right = geometry.width - mm(MARGIN_MM.right);
  const signatureX = left + (right - left) * 0.72;
  const lines: LaidLine[] = [];
  let y = mm(MARGIN_MM.top);
  let signatureAnchor = { x: signatureX, y: geometry.height * 0.8 };
  let seenSignature = false;
  for (const block of blocks) {
    const sizePx = px(block.size);
    y += px(block.gapBefore ?? 0);
    const bold = block.bold ?? false;
    const texts = block.align === 'left' ? wrap(block.text, right - left, sizePx, bold) : [block.text];
    for (const text of texts) {
      y += sizePx * LINE_HEIGHT;
      const x = block.align === 'left' ? left : block.align === 'center' ? geometry.width / 2 + (left - mm(MARGIN_MM.right)) / 2 : signatureX;
      lines.push({ text, x, y, anchor: block.align === 'left' ? 'start' : 'middle', sizePx, bold, italic: block.italic ?? false });
    }
    if (block.align === 'signature' && bold && !seenSignature) {
      seenSignature = true;
      signatureAnchor = { x: signatureX, y };
    }
  }
  return { lines, signatureAnchor };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function pageSvg(layout: Layout, geometry: PageGeometry, paper: Paper): string {
  const texts = layout.lines
    .map(
      (l) =>
        `<text x="${l.x.toFixed(1)}" y="${l.y.toFixed(1)}" font-size="${l.sizePx.toFixed(1)}" text-anchor="${l.anchor}"` +
        `${l.bold ? ' font-weight="bold"' : ''}${l.italic ? ' font-style="italic"' : ''}>${escapeXml(l.text)}</text>`,
    )
    .join('\n');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${geometry.width}" height="${geometry.height}">` +
    `<rect width="100%" height="100%" fill="${PAPER[paper]}"/>` +
    `<g font-family="DejaVu Serif" fill="#1a1a1a">${texts}</g></svg>`
  );
}

/** Render a document page; `null` content gives a blank back side. */
export async function renderPage(doc: DocumentContent | null, options: { dpi: number; paper: Paper }): Promise<RenderedPage> {
  const geometry = a4Geometry(options.dpi);
  const layout = doc ? layoutBlocks(doc.blocks, geometry) : { lines: [], signatureAnchor: { x: 0, y: 0 } };
  const svg = pageSvg(layout, geometry, options.paper);
  const png = await sharp(Buffer.from(svg), { density: 72 }).flatten({ background: PAPER[options.paper] }).png().toBuffer();
  return { png, geometry, lines: layout.lines.map((l) => l.text), signatureAnchor: layout.signatureAnchor };
}
