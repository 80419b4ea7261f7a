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

/**
 * Labels the 8-connected components of the pixels for which `isInk(index)` holds (labels start at 1; 0 = paper).
 * `enough`, when given, is asked after each whole component: once it says yes, labelling stops there.
 */
export function labelInk(
  width: number, height: number, isInk: (index: number) => boolean, enough?: (found: InkComponent) => boolean,
): { labels: Int32Array; components: InkComponent[] } {
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
    if (enough?.(c)) break;
  }
  return { labels, components };
}

/**
 * A black-and-white image as binary PBM (P4), ink = value below 128. Tesseract's leptonica reads it straight into a
 * 1-bit image: no PNG to compress here and to inflate again in its WebAssembly, and no thresholding of its own.
 */
export function pbm(image: GreyImage): Buffer {
  const { data, width, height } = image;
  const header = Buffer.from(`P4\n${width} ${height}\n`, 'ascii');
  const rowBytes = (width + 7) >> 3;
  const out = Buffer.alloc(header.length + rowBytes * height);
  header.copy(out);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let at = header.length + y * rowBytes;
    for (let x = 0; x < width; x += 8) {
      let byte = 0;
      const end = Math.min(8, width - x);
      for (let b = 0; b < end; b++) if (data[row + x + b] < 128) byte |= 0x80 >> b;
      out[at++] = byte;
    }
  }
  return out;
}
