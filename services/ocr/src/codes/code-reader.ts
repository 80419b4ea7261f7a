/**
 * QR codes and barcodes on scanned pages, read with ZXing-C++ compiled to WebAssembly (zxing-wasm).
 * The wasm binary is loaded from node_modules, never fetched from the CDN its loader defaults to:
 * counters are often offline and a records system must not pull code at run time.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { codePresence } from './code-presence.ts';

/**
 * A QR code or barcode found on a page, as read. What its text means (a dossier code, a procedure) is
 * @sohoa/matching's business; this side only reads.
 */
export interface DecodedCode {
  format: string;
  text: string;
}

const require = createRequire(import.meta.url);

let ready: Promise<unknown> | null = null;

function loadReader(): Promise<unknown> {
  ready ??= (async () => {
    const wasmBinary = await readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    const bytes = wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer;
    return prepareZXingModule({ overrides: { wasmBinary: bytes }, fireImmediately: true });
  })().catch((error: unknown) => {
    ready = null;
    throw error;
  });
  return ready;
}

const OPTIONS: ReaderOptions = {
  formats: ['QRCode', 'DataMatrix', 'Code128', 'Code39', 'PDF417'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  maxNumberOfSymbols: 4,
};

/** Long side of the first, fast attempt: enough for a receipt QR of 25 mm or more at 200–300 dpi. */
const FAST_SIDE = 1400;

async function readAt(image: Buffer, side: number | null): Promise<DecodedCode[]> {
  // zxing-wasm takes RGBA pixels (ImageData's layout) and makes them grey itself: grey or grey+alpha
  // input must be widened to four channels first.
  let pipeline = sharp(image, { limitInputPixels: 200e6 }).rotate();
  if (side) pipeline = pipeline.resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true });
  const { data, info } = await pipeline.toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`expected RGBA pixels, got ${info.channels} channels`);
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
  const results = await readBarcodes({ data: pixels, width: info.width, height: info.height, colorSpace: 'srgb' } as ImageData, OPTIONS);
  return results.filter((r) => r.isValid && r.text).map((r) => ({ format: String(r.format), text: r.text.normalize('NFC') }));
}

export interface DecodeOptions {
  /** false: always run the full-resolution and corner tries (the reader before the presence test; benches compare). */
  presenceGate?: boolean;
}

/**
 * Every QR code / DataMatrix / Code 128 / Code 39 / PDF417 on a page image (PNG, JPEG, TIFF…).
 * Tries a downscaled copy first (fast, and enough for most codes), then full resolution.
 */
export async function decodeCodes(image: Buffer, options: DecodeOptions = {}): Promise<DecodedCode[]> {
  await loadReader();
  const meta = await sharp(image, { limitInputPixels: 200e6 }).metadata();
  const side = Math.max(meta.width ?? 0, meta.height ?? 0);
  const fast = await readAt(image, side > FAST_SIDE ? FAST_SIDE : null);
  if (fast.length) return dedupe(fast);
  // Most pages carry no code: the slow tries below cost ~0.6 CPU-s, the test ~0.1.
  if (options.presenceGate !== false && !(await codePresence(image)).maybe) return [];
  const full = side > FAST_SIDE ? await readAt(image, null) : [];
  if (full.length) return dedupe(full);
  // Last try: the top-left corner, where receipts print their QR, enlarged (small modules, skew).
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) return [];
  const corner = await sharp(image, { limitInputPixels: 200e6 })
    .extract({ left: 0, top: 0, width: Math.round(width / 2), height: Math.round(height / 4) })
    .resize({ width: width })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return dedupe(await readAt(corner, null));
}

function dedupe(codes: DecodedCode[]): DecodedCode[] {
  const seen = new Set<string>();
  return codes.filter((c) => {
    const key = `${c.format}\u0000${c.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
