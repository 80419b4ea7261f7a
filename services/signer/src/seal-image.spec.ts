import sharp from 'sharp';
import { decodePDFRawStream, PDFDocument, PDFName, type PDFRawStream, type PDFRef } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { embedSeal } from './seal-image.ts';
import { sealPng } from './seal.ts';

/** An image XObject's dictionary (the soft mask's reference left out) and its decoded samples, and its soft mask's. */
function drawn(doc: PDFDocument, ref: PDFRef): { dict: string; samples: Buffer; mask?: { dict: string; samples: Buffer } } {
  const stream = doc.context.lookup(ref) as PDFRawStream;
  const maskRef = stream.dict.get(PDFName.of('SMask')) as PDFRef | undefined;
  const entries = [...stream.dict.entries()].filter(([key]) => key.asString() !== '/SMask').map(([key, value]) => `${key} ${value}`).sort().join(' ');
  return { dict: entries, samples: Buffer.from(decodePDFRawStream(stream).decode()), mask: maskRef ? drawn(doc, maskRef) : undefined };
}

describe('the seal image, compressed once per seal', () => {
  it('draws what embedPng draws, opaque or with an alpha channel, in every document it goes into', async () => {
    const opaque = await sealPng('UBND phường Bến Nghé');
    const withAlpha = new Uint8Array(await sharp(Buffer.from(opaque)).ensureAlpha(0.5).png().toBuffer());
    for (const png of [opaque, withAlpha]) {
      const byPdfLib = await PDFDocument.create();
      const { ref } = await byPdfLib.embedPng(png);
      await byPdfLib.flush(); // pdf-lib writes the image here
      const expected = drawn(byPdfLib, ref);
      for (let signature = 0; signature < 2; signature++) {
        const doc = await PDFDocument.create();
        expect(drawn(doc, await embedSeal(doc, png))).toEqual(expected);
      }
      expect(Boolean(expected.mask)).toBe(png === withAlpha);
    }
  });
});
