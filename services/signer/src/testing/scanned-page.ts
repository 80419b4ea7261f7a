import sharp from 'sharp';

/**
 * A scanned A4 page as a counter's scanner gives it: paper, a dark title bar and a red seal, as a JPEG of
 * `width` × ⌈width·√2⌉ pixels. The marks keep their place on the paper whatever the resolution, so a test of
 * page 1's ink can pick the resolution it needs.
 */
export async function scannedPageJpeg(width: number): Promise<Buffer> {
  const height = Math.ceil(width * Math.SQRT2);
  const at = (fraction: number, of: number) => Math.round(fraction * of);
  return sharp({ create: { width, height, channels: 3, background: '#f4f1e8' } })
    .composite([
      { input: { create: { width: at(0.6, width), height: at(0.034, height), channels: 3, background: '#111111' } }, left: at(0.19, width), top: at(0.07, height) },
      { input: { create: { width: at(0.145, width), height: at(0.145, width), channels: 3, background: '#c0141e' } }, left: at(0.725, width), top: at(0.77, height) },
    ])
    .jpeg()
    .toBuffer();
}
