import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../testing/render.ts';
import { recognitionImage } from './binarize.ts';

describe('colour-aware binarization', () => {
  it('keeps black print, drops a red seal and a blue signature, whitens yellowed and unevenly lit paper', async () => {
    const overlay = `
      <defs><radialGradient id="light" cx="20%" cy="20%" r="90%"><stop offset="0" stop-color="#f7efd2"/><stop offset="1" stop-color="#cdb98a"/></radialGradient></defs>
      <rect width="100%" height="100%" fill="url(#light)" style="mix-blend-mode:multiply" opacity="0.6"/>
      <circle cx="800" cy="260" r="160" fill="none" stroke="#d02828" stroke-width="16" opacity="0.85"/>
      <path d="M 300 900 C 400 800, 500 1000, 700 880" stroke="#2040b0" stroke-width="7" fill="none"/>`;
    const png = await renderPage({ lines: ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'], dpi: 200, paper: '#efe2b8', overlay });
    const recognize = async (input: Buffer) => {
      const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      return recognitionImage(new Uint8Array(data), info);
    };
    const image = await recognize(png);
    const clean = await recognize(await renderPage({ lines: ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'], dpi: 200 }));
    const at = (x: number, y: number) => image.data[y * image.width + x];
    expect(at(800 + 160, 260)).toBe(255); // seal ring
    expect(at(800, 260 - 160)).toBe(255);
    expect(at(700, 880)).toBe(255); // signature end
    expect(at(10, 10)).toBe(255); // yellowed corner
    expect(at(image.width - 10, image.height - 10)).toBe(255); // the dim corner too
    // The printed line keeps its ink: about as many black pixels as the same line on clean white paper.
    const dark = (im: typeof image) => {
      let n = 0;
      for (let y = 140; y < 230; y++) for (let x = 0; x < im.width; x++) if (im.data[y * im.width + x] === 0) n++;
      return n;
    };
    expect(dark(clean)).toBeGreaterThan(3000);
    expect(dark(image) / dark(clean)).toBeGreaterThan(0.75); // measured 0.84: the lamp overlay also greys the print
    expect(dark(image) / dark(clean)).toBeLessThan(1.15);
  });
});
