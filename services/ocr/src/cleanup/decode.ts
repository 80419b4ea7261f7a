import sharp, { type Metadata } from 'sharp';
import { OcrError } from '../errors.ts';

/** Reading a scanner image: size guard, resolution, pixels. */

export const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;
const A4_SHORT_SIDE_INCHES = 8.27;

export interface DecodedImage {
  /** Interleaved 8-bit pixels, 1 (grey) or 3 (RGB) channels, EXIF orientation applied, alpha flattened. */
  pixels: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
  /** Resolution from the file, if it carried a believable one. */
  density?: number;
}

export async function decodeImage(input: Buffer, maxPixels = DEFAULT_MAX_INPUT_PIXELS): Promise<DecodedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new OcrError(`not a readable image: ${(error as Error).message}`, { cause: error });
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > maxPixels) {
    throw new OcrError(
      `image of ${meta.width}x${meta.height} (${(pixels / 1e6).toFixed(1)} MP) exceeds the limit of ${(maxPixels / 1e6).toFixed(1)} MP`,
    );
  }
  const grey = meta.channels !== undefined && meta.channels <= 2 && meta.space !== 'srgb';
  const { data, info } = await sharp(input, { limitInputPixels: maxPixels })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .toColourspace(grey ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels === 1 ? 1 : 3;
  // Screen defaults (72/96) and absurd values say nothing about the scan.
  const density = meta.density && meta.density >= 100 && meta.density <= 1200 ? meta.density : undefined;
  return { pixels: data, width: info.width, height: info.height, channels, density };
}

/** The scan's resolution: as given, else as read from the file, else assuming the paper is A4. */
export function resolveDpi(given: number | undefined, image: { width: number; height: number; density?: number }): number {
  if (given && given > 0) return given;
  if (image.density) return image.density;
  const estimate = Math.min(image.width, image.height) / A4_SHORT_SIDE_INCHES;
  return Math.round(Math.min(600, Math.max(150, estimate)));
}
