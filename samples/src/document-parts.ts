/**
 * Building blocks of the catalog templates (documents-catalog.ts, documents-results.ts): the
 * document shape, labelled fields, the motto-and-title header, the signature block.
 */
import type { Block } from './documents.ts';
import { MOTTO, MOTTO_SUB } from './documents.ts';
import { longDate, randomDate, type Person } from './people.ts';
import type { Rng } from './prng.ts';

export interface CatalogDocument {
  procedure: string;
  /** Component or result code; 'RECEIPT' for the receipt. */
  component: string;
  kind: 'component' | 'result' | 'receipt';
  title: string;
  /** Blocks of each page; the first page carries the title. */
  pages: Block[][];
  fields: Record<string, string>;
  sealText: string;
}

export const BODY = 12.5;
export const field = (label: string, value: string): Block => ({ text: `${label}: ${value}`, align: 'left', size: BODY });
export const prose = (text: string, gapBefore = 6): Block => ({ text, align: 'left', size: BODY, gapBefore });
export const heading = (text: string, gapBefore = 10): Block => ({ text, align: 'left', size: BODY, bold: true, gapBefore });

/** Motto, then the title (one or two lines: long titles wrap by hand, as printed forms do). */
export function header(title: string | string[], subtitle?: string): Block[] {
  const lines = Array.isArray(title) ? title : [title];
  const blocks: Block[] = [
    { text: MOTTO, align: 'center', size: 13, bold: true },
    { text: MOTTO_SUB, align: 'center', size: 13.5, bold: true, gapBefore: 2 },
    ...lines.map((text, i): Block => ({ text, align: 'center', size: 15, bold: true, gapBefore: i === 0 ? 26 : 2 })),
  ];
  if (subtitle) blocks.push({ text: subtitle, align: 'center', size: BODY, italic: true, gapBefore: 2 });
  return blocks;
}

export type Day = { day: number; month: number; year: number };

export function signature(place: string, date: Day, role: string, name: string): Block[] {
  return [
    { text: `${place}, ${longDate(date)}`, align: 'signature', size: BODY, italic: true, gapBefore: 16 },
    { text: role, align: 'signature', size: BODY, bold: true, gapBefore: 4 },
    { text: '(Ký, ghi rõ họ tên)', align: 'signature', size: 11.5, italic: true },
    { text: name, align: 'signature', size: BODY, bold: true, gapBefore: 70 },
  ];
}

export const placeOf = (p: Person): string => p.ward.replace(/^(phường|xã) /, '').replace(/^./, (c) => c.toUpperCase());
export const wardSeal = (p: Person): string => `ỦY BAN NHÂN DÂN ${p.ward.toUpperCase()}`;
export const unitName = (p: Person): string => `Ủy ban nhân dân ${p.ward}`;
export const day = (rng: Rng, from = 2025, to = 2025): Day => randomDate(rng, from, to);

export const nfcBlocks = (blocks: Block[]): Block[] => blocks.map((b) => ({ ...b, text: b.text.normalize('NFC') }));
