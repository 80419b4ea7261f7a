import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, type PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { forgetParsedFonts } from './appearance.ts';
import { prepareForSigning } from './placeholder.ts';
import { samplePdf } from './testing/index.ts';

/** The last signature box's drawing, its font subset and the font's text map, decoded. */
async function lastBox(bytes: Uint8Array): Promise<{ drawing: string; fontFile: Buffer; toUnicode: string }> {
  const doc = await PDFDocument.load(bytes);
  const annots = doc.getPages()[0]!.node.Annots()!;
  const widget = annots.lookup(annots.size() - 1, PDFDict);
  const form = widget.lookup(PDFName.of('AP'), PDFDict).lookup(PDFName.of('N')) as PDFRawStream;
  const font = form.dict.lookup(PDFName.of('Resources'), PDFDict).lookup(PDFName.of('Font'), PDFDict).lookup(PDFName.of('F1'), PDFDict);
  const descendant = font.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
  const file = descendant.lookup(PDFName.of('FontDescriptor'), PDFDict).lookup(PDFName.of('FontFile2')) as PDFRawStream;
  const decoded = (stream: PDFRawStream) => Buffer.from(decodePDFRawStream(stream).decode());
  return { drawing: decoded(form).toString('latin1'), fontFile: decoded(file), toUnicode: decoded(font.lookup(PDFName.of('ToUnicode')) as PDFRawStream).toString('latin1') };
}

const SIGNERS = [
  { role: 'officer', name: 'Nguyễn Thị Thu Hà' },
  { role: 'unit', name: 'Ủy ban nhân dân phường Bến Nghé' },
  { role: 'officer', name: 'Trần Văn Độ' },
  { role: 'unit', name: 'UBND xã Tự do Hạnh phúc, huyện Ứng Hòa' },
  { role: 'officer', name: 'Lê Thị Ngọc Ánh' },
] as const;

describe('the parsed font kept for the next signature', () => {
  it('draws and maps every box as a font parsed afresh does, composite Vietnamese letters included', async () => {
    const pdf = await samplePdf(1);
    const signingTime = new Date('2026-12-03T09:00:00Z');
    const boxes = async (fresh: boolean) => {
      const out = [];
      for (const signer of SIGNERS) {
        if (fresh) forgetParsedFonts();
        const prepared = await prepareForSigning(pdf, { signingTime, signerName: signer.name }, { appearance: signer });
        out.push(await lastBox(prepared.bytes));
      }
      return out;
    };
    const afresh = await boxes(true);
    const kept = await boxes(false);
    for (const [index, box] of kept.entries()) {
      expect(box.drawing).toBe(afresh[index]!.drawing);
      expect(box.toUnicode).toBe(afresh[index]!.toUnicode);
      expect(box.fontFile.equals(afresh[index]!.fontFile)).toBe(true);
    }
    // The map names the letters the box shows: "ự" and the "o" after it among them.
    expect(kept[3]!.toUnicode).toMatch(/<1EF1>/i);
    expect(kept[3]!.toUnicode).toMatch(/<006F>/i);
  });
});
