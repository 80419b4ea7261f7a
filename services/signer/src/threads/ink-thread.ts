import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import sharp from 'sharp';
import { HALF_RESOLUTION_DARKNESS, INK_DARKNESS, inkMapOf, inkPixels, type InkMap, type PageRaster } from '../ink-map.ts';

/**
 * A JPEG of at least this resolution is decoded at half of it for the map: its raster, mask and the speckle
 * pass's labels held 85–120 MB of a 300 dpi page at the pipeline's memory peak, a quarter of that at half. The
 * grid's cells are 2 pt (8 pixels at 300 dpi), so 100 dpi still puts several pixels in each.
 */
export const HALF_RESOLUTION_MIN_DPI = 200;

/**
 * What an ink thread runs (services/signer/src/threads/ink-pool.ts sends the tasks): page 1's picture decoded and
 * its ink mapped, pixel loops that held the event loop about 250 ms a signature.
 */
export interface InkTask {
  /** The picture: a JPEG as stored in the PDF, or pixels already decoded. */
  picture: { jpeg: Uint8Array } | { raster: PageRaster };
  /** Page box in points, which the picture fills. */
  page: { width: number; height: number };
  /** Larger pictures are not decoded (decompression bombs). */
  maxPixels: number;
}

export interface InkAnswer {
  map: InkMap;
  /** The picture's resolution, pixels per inch. */
  dpi: number;
}

interface Decoded {
  raster: PageRaster;
  /** The picture's own resolution, pixels per inch. */
  dpi: number;
  /** Whether `raster` is the picture at half its resolution. */
  halved: boolean;
}

async function decode(task: InkTask, halveFrom = HALF_RESOLUTION_MIN_DPI): Promise<Decoded | null> {
  const { picture, page, maxPixels } = task;
  if ('raster' in picture) return { raster: picture.raster, dpi: (picture.raster.width / page.width) * 72, halved: false };
  const input = sharp(picture.jpeg, { limitInputPixels: maxPixels });
  const { width, height } = await input.metadata();
  if (!width || !height) return null;
  const dpi = (width / page.width) * 72;
  const halved = dpi >= halveFrom;
  // libvips streams the decode through the resize: the full-resolution raster never exists whole.
  const sized = halved ? input.resize(Math.ceil(width / 2), Math.ceil(height / 2), { fit: 'fill', kernel: 'linear' }) : input;
  const { data, info } = await sized.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 && info.channels !== 3) return null;
  return { raster: { pixels: data, width: info.width, height: info.height, channels: info.channels }, dpi, halved };
}

/** The ink map; `halveFrom` is the resolution from which a JPEG is decoded at half of it (tests compare both ways). */
export async function inkMapOfPicture(task: InkTask, halveFrom = HALF_RESOLUTION_MIN_DPI): Promise<InkAnswer | null> {
  const decoded = await decode(task, halveFrom);
  if (!decoded) return null;
  const { raster, dpi, halved } = decoded;
  const rasterDpi = (raster.width / task.page.width) * 72;
  const ink = inkPixels(raster, rasterDpi, halved ? HALF_RESOLUTION_DARKNESS : INK_DARKNESS);
  return { map: inkMapOf(ink, raster.width, raster.height, task.page), dpi };
}

/**
 * The last few pictures' maps, by the digest of the JPEG and the page box. A document is signed twice, by the officer
 * and by the unit, over the same page 1: the second signature reuses the first one's map instead of decoding and
 * mapping the picture again. A map is only read after it is made (signature-placement.ts).
 */
const recentMaps = new LRUCache<string, Promise<InkAnswer | null>>({ max: 4 });

export default function run(task: InkTask): Promise<InkAnswer | null> {
  if (!('jpeg' in task.picture)) return inkMapOfPicture(task);
  const key = `${createHash('sha256').update(task.picture.jpeg).digest('hex')} ${task.page.width}x${task.page.height} ${task.maxPixels}`;
  let answer = recentMaps.get(key);
  if (!answer) {
    answer = inkMapOfPicture(task);
    // A failed mapping is not kept: the next signature tries again.
    answer.catch(() => recentMaps.delete(key));
    recentMaps.set(key, answer);
  }
  return answer;
}
