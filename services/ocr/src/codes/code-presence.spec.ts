import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CLEAN, generateBlankPage, generateDocumentPages, qrPng, type PageLook } from '@sohoa/samples';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { codePresence } from './code-presence.ts';
import { decodeCodes } from './code-reader.ts';

const DOSSIER = '000.00.00.H00-251121-0007';
const LOOK: PageLook = { ...CLEAN, dpi: 300 };

async function written(format: 'Code128' | 'DataMatrix', scale: number): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  await prepareZXingModule({ overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm')).buffer as ArrayBuffer }, fireImmediately: true });
  const out = await writeBarcode(DOSSIER, { format, scale });
  return Buffer.from(await out.image!.arrayBuffer());
}

describe('codePresence: whether the full-resolution code reading is worth it', () => {
  let paper: Buffer;
  let paper200: Buffer;
  beforeAll(async () => {
    [{ png: paper }] = await generateDocumentPages('XD-DON', LOOK, 23);
    [{ png: paper200 }] = await generateDocumentPages('XD-DON', { ...LOOK, dpi: 200 }, 23);
  });

  it('says no on a printed paper and on a blank back side, so those pages skip the slow tries', async () => {
    expect((await codePresence(paper)).maybe).toBe(false);
    expect((await codePresence((await generateBlankPage(LOOK, 13)).png)).maybe).toBe(false);
  });

  // Codes the 1400 px try cannot see (2 px modules, 1–2 px bars) stuck on the same paper, away from the corner try.
  // The gate's window is about 5 mm: a code must be that tall (bench/results/ocr-options.md: smaller DataMatrix are lost).
  it.each([
    ['a 7 mm QR code at 300 dpi', 'QRCode', 300, () => qrPng(DOSSIER, 7, 300)],
    ['a Code 128 of 2 px bars at 300 dpi', 'Code128', 300, () => written('Code128', 2)],
    ['a Code 128 of 1 px bars at 200 dpi', 'Code128', 200, () => written('Code128', 1)],
    ['a 6 mm DataMatrix at 300 dpi', 'DataMatrix', 300, () => written('DataMatrix', 5)],
  ] as const)('says maybe on a paper carrying %s, which the reader then reads', async (_, format, dpi, code) => {
    const under = dpi === 300 ? paper : paper200;
    const meta = await sharp(under).metadata();
    const page = await sharp(under).composite([{ input: await code(), left: Math.round(meta.width! * 0.62), top: Math.round(meta.height! * 0.86) }]).png().toBuffer();
    expect((await codePresence(page)).maybe).toBe(true);
    expect(await decodeCodes(page)).toEqual([{ format, text: DOSSIER }]);
  });
});
