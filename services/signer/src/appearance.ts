/**
 * The visible part of a signature, as decree 30/2020 appendix I lays it out
 * on the first page of a digitized paper: the unit's signature at the top
 * right (red seal, unit name, time), the officer's at the top left (name,
 * time). Time is Vietnam time, hh:mm:ss dd/mm/yyyy +07:00.
 *
 * It is a form XObject for the widget's /AP /N, with a subset of DejaVu Sans
 * embedded (PDF/A wants every font embedded; it covers Vietnamese).
 */
import fontkit from '@pdf-lib/fontkit';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { PDFDocument, PDFFont, PDFPage, PDFRef } from 'pdf-lib';
import { blankInkMap } from './ink-map.ts';
import { annotationBoxes, pageInkMap } from './page-ink.ts';
import { embedSeal } from './seal-image.ts';
import { sealPng } from './seal.ts';
import { placeSignatureBox, type Placement } from './signature-placement.ts';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type Font = ReturnType<Fontkit['create']>;

export interface SignatureAppearance {
  /** 'unit': organization signature, top right, with the seal; 'officer': personal signature, top left. */
  role: 'unit' | 'officer';
  /** The unit's or the officer's name as people read it. */
  name: string;
  /** A PNG or JPEG of the unit's seal; drawn from the name when absent. Ignored for officers. */
  sealImage?: Uint8Array;
}

export interface SignaturePlacement extends Placement {
  /** Where the ink map came from: page 1's picture, or none (not a scanned page: the prescribed corner). */
  inkFrom: 'page-image' | 'none';
}

export interface PlacedAppearance {
  /** Widget rectangle in page space: [left, bottom, right, top]. */
  rect: [number, number, number, number];
  appearance: PDFRef;
  placement: SignaturePlacement;
  /** Call once the document is flushed (its font subset written): the parsed font goes back for the next signature. */
  done: () => void;
}

const MARGIN = 14;
/**
 * The smallest a box may be shrunk to fit a scan's blank margin: at 60% its
 * text is 4.5 pt (readable on screen and, just, on paper) and the unit's seal
 * 35 pt (12 mm) across. Below this the box moves away from its corner instead.
 */
export const MIN_SIGNATURE_SCALE = 0.6;
const BOX = { unit: { width: 220, height: 66 }, officer: { width: 190, height: 40 } } as const;
const COLOUR = { unit: '0.78 0.05 0.08', officer: '0.05 0.15 0.55' } as const;
const FONT_SIZE = 7.5;
const LINE = FONT_SIZE * 1.3;

/** hh:mm:ss dd/mm/yyyy +07:00 — Vietnam has no daylight saving, so a fixed offset is exact. */
export function vietnamTime(time: Date): string {
  const local = new Date(time.getTime() + 7 * 3600_000);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${two(local.getUTCDate())}/${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} +07:00`;
}

let fontBytes: Promise<Uint8Array> | undefined;
function dejaVuSans(): Promise<Uint8Array> {
  fontBytes ??= readFile(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')).then((buffer) => new Uint8Array(buffer));
  return fontBytes;
}

/**
 * Parsed DejaVu Sans, kept for the next signature: fontkit took about 14 ms a signature to parse the font file
 * again (tables, glyph names, the shaping tables). A parsed font serves one document at a time, from its
 * embedding to the flush that writes its subset, and starts each with no glyph objects: fontkit keeps the glyph
 * objects it made, and one made as a part of a composite glyph while a subset was written has no characters,
 * so the next document's text map would lack them ("Tự d" for "Tự do" once when a parsed font was simply reused).
 */
const idleFonts: Font[] = [];

function borrowedFont(): { fontkit: Fontkit; done: () => void } {
  let lent: Font | undefined;
  return {
    fontkit: {
      create(buffer: Uint8Array, postscriptName?: string) {
        lent = idleFonts.pop() ?? (fontkit as Fontkit).create(buffer, postscriptName);
        (lent as unknown as { _glyphs: Record<number, unknown> })._glyphs = {};
        return lent;
      },
    },
    done: () => {
      if (lent && idleFonts.length < 2) idleFonts.push(lent);
      lent = undefined;
    },
  };
}

/** Forgets the parsed fonts kept for the next signatures (a test compares with a font parsed afresh). */
export function forgetParsedFonts(): void {
  idleFonts.length = 0;
}

/** Greedy word wrap; a word longer than the line stays whole rather than being cut mid-syllable. */
export function wrapText(text: string, maxWidth: number, widthOf: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && widthOf(candidate) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

function textLines(font: PDFFont, lines: string[], x: number, top: number): string {
  return lines
    .map((line, index) => `BT /F1 ${FONT_SIZE} Tf ${x.toFixed(2)} ${(top - FONT_SIZE - index * LINE).toFixed(2)} Td ${font.encodeText(line).toString()} Tj ET`)
    .join('\n');
}

/**
 * Embeds what the appearance needs into `doc` (font subset, seal image) and
 * registers the form XObject. Call doc.flush() afterwards so the font and
 * image objects are written.
 */
/**
 * Where the box goes on page 1: the blank place nearest the role's corner
 * (signature-placement.ts), read from the page's picture; on a page without
 * one, the prescribed corner (still clear of earlier signatures' boxes).
 */
export async function placeSignature(doc: PDFDocument, page: PDFPage, role: SignatureAppearance['role']): Promise<SignaturePlacement> {
  const crop = page.getCropBox();
  const pageInk = await pageInkMap(doc, page);
  const placement = placeSignatureBox({
    ink: pageInk?.map ?? blankInkMap(crop),
    corner: role === 'unit' ? 'top-right' : 'top-left',
    size: BOX[role],
    minScale: MIN_SIGNATURE_SCALE,
    margin: MARGIN,
    avoid: annotationBoxes(doc, page),
  });
  return { ...placement, inkFrom: pageInk ? 'page-image' : 'none' };
}

export async function placeAppearance(doc: PDFDocument, page: PDFPage, spec: SignatureAppearance, signingTime: Date): Promise<PlacedAppearance> {
  const placement = await placeSignature(doc, page, spec.role);
  const borrowed = borrowedFont();
  doc.registerFontkit(borrowed.fontkit);
  const font = await doc.embedFont(await dejaVuSans(), { subset: true });
  const { width, height } = BOX[spec.role];
  const crop = page.getCropBox();
  const { box, scale } = placement;
  const top = crop.y + crop.height - box.top;
  const left = crop.x + box.left;
  const rect: PlacedAppearance['rect'] = [left, top - box.height, left + box.width, top];

  const widthOf = (text: string) => font.widthOfTextAtSize(text, FONT_SIZE);
  const resources: Record<string, unknown> = { Font: { F1: font.ref } };
  const operators = [`q ${COLOUR[spec.role]} RG 0.8 w 0.4 0.4 ${(width - 0.8).toFixed(2)} ${(height - 0.8).toFixed(2)} re S Q`];
  let textLeft = 5;
  const name = spec.name.normalize('NFC');
  const time = `Thời gian ký: ${vietnamTime(signingTime)}`;
  let lines: string[];
  if (spec.role === 'unit') {
    const sealBytes = spec.sealImage ?? (await sealPng(spec.name));
    const seal = await embedSeal(doc, sealBytes);
    const side = height - 8;
    operators.push(`q ${side} 0 0 ${side} 4 4 cm /Seal Do Q`);
    resources.XObject = { Seal: seal };
    textLeft = side + 10;
    // The time on a line of its own: "Thời gian ký: hh:mm:ss dd/mm/yyyy +07:00" is wider than the text column.
    lines = ['Ký số bởi:', ...wrapText(name, width - textLeft - 4, widthOf).slice(0, 3), 'Thời gian ký:', vietnamTime(signingTime)];
  } else {
    lines = [...wrapText(`Cán bộ số hóa: ${name}`, width - textLeft - 4, widthOf).slice(0, 2), time];
  }
  const textTop = (height + lines.length * LINE) / 2 + 1;
  operators.push(`${COLOUR[spec.role]} rg`, textLines(font, lines, textLeft, textTop));

  // Drawn at full size and scaled here, so the form's box is the widget's and no viewer has to fit it.
  const scaled = scale === 1 ? operators : [`q ${scale} 0 0 ${scale} 0 0 cm`, ...operators, 'Q'];
  const form = doc.context.flateStream(scaled.join('\n'), {
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [0, 0, box.width, box.height],
    Resources: resources as never,
  });
  return { rect, appearance: doc.context.register(form), placement, done: borrowed.done };
}
