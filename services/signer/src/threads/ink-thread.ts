import sharp from 'sharp';
import { inkMapOf, inkPixels, type InkMap, type PageRaster } from '../ink-map.ts';

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

async function rasterOf(picture: InkTask['picture'], maxPixels: number): Promise<PageRaster | null> {
  if ('raster' in picture) return picture.raster;
  const { data, info } = await sharp(picture.jpeg, { limitInputPixels: maxPixels }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 && info.channels !== 3) return null;
  return { pixels: data, width: info.width, height: info.height, channels: info.channels };
}

export default async function run(task: InkTask): Promise<InkAnswer | null> {
  const raster = await rasterOf(task.picture, task.maxPixels);
  if (!raster) return null;
  const dpi = (raster.width / task.page.width) * 72;
  return { map: inkMapOf(inkPixels(raster, dpi), raster.width, raster.height, task.page), dpi };
}
