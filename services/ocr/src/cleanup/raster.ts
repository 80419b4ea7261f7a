import sharp, { type Sharp } from 'sharp';

/** A single-channel 8-bit image held in memory; the pure cleanup steps work on this. */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A binary image: 1 = ink, 0 = paper. */
export interface InkMask {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Greyscale copy of `input`, scaled so its longer side is at most `maxSide` (analysis resolution). */
export async function toGrey(input: Sharp, maxSide: number): Promise<GreyImage> {
  const { data, info } = await input
    .clone()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Otsu's threshold over a histogram of 8-bit values. */
export function otsuThreshold(data: Uint8Array): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  const total = data.length;
  let sumAll = 0;
  for (let v = 0; v < 256; v++) sumAll += v * hist[v];
  let sumBelow = 0;
  let countBelow = 0;
  let best = 0;
  let bestThreshold = 128;
  for (let t = 0; t < 256; t++) {
    countBelow += hist[t];
    if (countBelow === 0) continue;
    const countAbove = total - countBelow;
    if (countAbove === 0) break;
    sumBelow += t * hist[t];
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sumAll - sumBelow) / countAbove;
    const between = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (between > best) {
      best = between;
      bestThreshold = t;
    }
  }
  return bestThreshold;
}

/** Value at quantile q (0..1) of the 8-bit values. */
export function quantile(data: Uint8Array, q: number): number {
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  const target = q * data.length;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v];
    if (seen >= target) return v;
  }
  return 255;
}

export function cropGrey(image: GreyImage, box: CropBox): GreyImage {
  const out = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.top + y) * image.width + box.left;
    out.set(image.data.subarray(from, from + box.width), y * box.width);
  }
  return { data: out, width: box.width, height: box.height };
}

/** Scale a crop box measured on an analysis image of width `fromWidth` to an image of width `toWidth`. */
export function scaleBox(box: CropBox, from: { width: number; height: number }, to: { width: number; height: number }): CropBox {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  const left = Math.max(0, Math.round(box.left * sx));
  const top = Math.max(0, Math.round(box.top * sy));
  const width = Math.min(to.width - left, Math.round(box.width * sx));
  const height = Math.min(to.height - top, Math.round(box.height * sy));
  return { left, top, width, height };
}

/** One 8-connected mark of ink: its label in `labels`, pixel count and bounding box. */
export interface InkComponent {
  label: number;
  area: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Labels the 8-connected components of the pixels for which `isInk(index)` holds (labels start at 1; 0 = paper). */
export function labelInk(width: number, height: number, isInk: (index: number) => boolean): { labels: Int32Array; components: InkComponent[] } {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const components: InkComponent[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || !isInk(start)) continue;
    const c: InkComponent = { label: components.length + 1, area: 0, x0: width, y0: height, x1: -1, y1: -1 };
    let top = 0;
    stack[top++] = start;
    labels[start] = c.label;
    while (top > 0) {
      const p = stack[--top];
      c.area++;
      const x = p % width;
      const y = (p - x) / width;
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (labels[q] === 0 && isInk(q)) {
            labels[q] = c.label;
            stack[top++] = q;
          }
        }
      }
    }
    components.push(c);
  }
  return { labels, components };
}
