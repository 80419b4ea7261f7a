/**
 * The unit's seal as an image XObject, decoded and compressed once per seal picture and process: every signature
 * of a unit draws the same seal, and pdf-lib's embedPng would decode the PNG (UPNG) and deflate its pixels again
 * for each one (pako, level 6: about 170 kB of RGB for the drawn 240 px seal). The streams written are those
 * embedPng writes; a JPEG seal goes in as it is, as embedJpg puts it.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { PDFDocument, PDFName, PngEmbedder, type PDFRawStream, type PDFRef } from 'pdf-lib';

interface CompressedPng {
  width: number;
  height: number;
  bitsPerComponent: number;
  /** The deflated RGB samples. */
  rgb: Uint8Array;
  /** The deflated alpha samples, for the soft mask; absent for an opaque seal. */
  alpha?: Uint8Array;
}

const compressed = new LRUCache<string, Promise<CompressedPng>>({ max: 8 });

async function compress(png: Uint8Array): Promise<CompressedPng> {
  const scratch = await PDFDocument.create();
  const embedder = await PngEmbedder.for(png);
  const ref = await embedder.embedIntoContext(scratch.context);
  const image = scratch.context.lookup(ref) as PDFRawStream;
  const mask = image.dict.get(PDFName.of('SMask'));
  return {
    width: embedder.width,
    height: embedder.height,
    bitsPerComponent: embedder.bitsPerComponent,
    rgb: image.contents,
    alpha: mask ? (scratch.context.lookup(mask) as PDFRawStream).contents : undefined,
  };
}

function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

/** The seal's image XObject in `doc`. */
export async function embedSeal(doc: PDFDocument, seal: Uint8Array): Promise<PDFRef> {
  if (!isPng(seal)) return (await doc.embedJpg(seal)).ref;
  const key = createHash('sha256').update(seal).digest('hex');
  let png = compressed.get(key);
  if (!png) {
    png = compress(seal);
    png.catch(() => compressed.delete(key));
    compressed.set(key, png);
  }
  const { width, height, bitsPerComponent, rgb, alpha } = await png;
  const { context } = doc;
  const softMask = alpha
    ? context.register(context.stream(alpha, { Type: 'XObject', Subtype: 'Image', Height: height, Width: width, BitsPerComponent: bitsPerComponent, ColorSpace: 'DeviceGray', Decode: [0, 1], Filter: 'FlateDecode' }))
    : undefined;
  return context.register(
    context.stream(rgb, { Type: 'XObject', Subtype: 'Image', BitsPerComponent: bitsPerComponent, Width: width, Height: height, ColorSpace: 'DeviceRGB', SMask: softMask, Filter: 'FlateDecode' }),
  );
}
