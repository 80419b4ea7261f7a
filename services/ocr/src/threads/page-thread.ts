import { move, transferableSymbol, valueSymbol } from 'piscina';
import { decodeCodes } from '../codes/code-reader.ts';
import { pbm } from '../cleanup/raster.ts';
import { archivalJpeg, cleanPage, preparePage, rotateRaster, type PrepareOptions, type PreparedPage } from '../page-cleanup.ts';

/**
 * What a page-work thread runs (services/ocr/src/threads/page-pool.ts sends the tasks): the pixel loops of
 * cleanup and binarization, and the code reader's WebAssembly, all synchronous CPU work that would otherwise
 * hold the event loop for hundreds of milliseconds a page and stall every API request meanwhile.
 */
export type PageTask =
  | { kind: 'prepare'; input: Uint8Array; options: PrepareOptions }
  | { kind: 'archive'; input: Uint8Array; options: PrepareOptions; quality?: number }
  | { kind: 'turned'; input: Uint8Array; options: PrepareOptions; rotation: 0 | 90 | 180 | 270; quality?: number }
  | { kind: 'codes'; image: Uint8Array };

/**
 * A page prepared for recognition with its archival image already encoded, so the full-resolution colour raster stays
 * in this thread and is dropped here: only JPEGs and the recognition image reach the main thread. The JPEG is encoded
 * for each way up recognition will try first (services/ocr/src/cleanup/orientation.ts): as scanned when the text
 * lines lie horizontal, a quarter turn either way when they stand vertical. The rare other answer (a page upside
 * down) is encoded by a `turned` task.
 */
export interface ArchivedPage {
  cleaned: Omit<PreparedPage['cleaned'], 'page'> & { width: number; height: number };
  binary: PreparedPage['binary'];
  images: Partial<Record<0 | 90 | 180 | 270, Uint8Array>>;
  /**
   * The recognition image as tesseract reads it (PBM), as it lies, when that is the way up recognition tries first
   * (text lines horizontal): packed here rather than on the main thread, where it held the event loop ~15 ms a page.
   */
  pbm?: Uint8Array;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The page's pixels are handed over to the main thread, not copied: a structured clone left a second full-resolution
 * copy (tens of MB) in this thread until its garbage collector ran. Views sharing one buffer hand it over once.
 */
function handedOver<T extends object>(value: T, views: Uint8Array[]) {
  const buffers = [...new Set(views.map((view) => view.buffer))];
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value });
}

export default async function run(task: PageTask) {
  if (task.kind === 'codes') return decodeCodes(asBuffer(task.image));
  if (task.kind === 'turned') {
    // The cleanup is a pure function of the input: done again, it gives the same page, turned and encoded once.
    const { page, dpi } = await cleanPage(asBuffer(task.input), task.options);
    const image = await archivalJpeg(await rotateRaster(page, task.rotation), dpi, task.quality);
    return handedOver(image, [image]);
  }
  if (task.kind === 'archive') {
    const { cleaned: { page, ...cleaned }, binary } = await preparePage(asBuffer(task.input), task.options);
    const ways = cleaned.blank || cleaned.skew.lines === 'horizontal' ? ([0] as const) : ([90, 270] as const);
    const images: ArchivedPage['images'] = {};
    for (const rotation of ways) images[rotation] = await archivalJpeg(await rotateRaster(page, rotation), cleaned.dpi, task.quality);
    const packed = binary && cleaned.skew.lines === 'horizontal' ? pbm(binary) : undefined;
    const archived: ArchivedPage = { cleaned: { ...cleaned, width: page.width, height: page.height }, binary, images, pbm: packed };
    return handedOver(archived, [...Object.values(images), ...(binary ? [binary.data] : []), ...(packed ? [packed] : [])]);
  }
  const prepared = await preparePage(asBuffer(task.input), task.options);
  return handedOver(prepared, [prepared.cleaned.page.pixels, ...(prepared.binary ? [prepared.binary.data] : [])]);
}
