import { quantile, type CropBox, type GreyImage } from './raster.ts';

/**
 * Dark scanner borders: the scanner lid or bed shows as black bands along the edges when the paper is
 * smaller than the scan area or lies askew. A row or column that is mostly dark is bed, not paper;
 * no printed line is mostly dark across the whole page.
 */

export interface BorderOptions {
  /** A row/column is border when more than this share of it is dark. Default 0.5. */
  darkShare?: number;
  /** Never crop more than this share of a side. Default 0.25. */
  maxShare?: number;
}

export function findPaperBox(image: GreyImage, options: BorderOptions = {}): CropBox {
  const darkShare = options.darkShare ?? 0.5;
  const maxShare = options.maxShare ?? 0.25;
  const { width, height, data } = image;
  const paper = quantile(data, 0.9);
  const dark = Math.min(paper * 0.45, 110);

  let top = 0;
  let bottom = height; // exclusive
  let left = 0;
  let right = width; // exclusive
  const rowDark = (y: number) => {
    let n = 0;
    for (let x = left; x < right; x++) if (data[y * width + x] < dark) n++;
    return n / Math.max(1, right - left);
  };
  const columnDark = (x: number) => {
    let n = 0;
    for (let y = top; y < bottom; y++) if (data[y * width + x] < dark) n++;
    return n / Math.max(1, bottom - top);
  };
  // Two passes: a band along one side makes the crossing rows look darker until it is cut away.
  for (let pass = 0; pass < 2; pass++) {
    while (top < height * maxShare && rowDark(top) > darkShare) top++;
    while (bottom > height * (1 - maxShare) && rowDark(bottom - 1) > darkShare) bottom--;
    while (left < width * maxShare && columnDark(left) > darkShare) left++;
    while (right > width * (1 - maxShare) && columnDark(right - 1) > darkShare) right--;
  }
  // Eat the shadowed paper edge next to a cut border.
  const margin = Math.round(Math.min(width, height) * 0.004);
  if (top > 0) top = Math.min(top + margin, bottom - 1);
  if (left > 0) left = Math.min(left + margin, right - 1);
  if (bottom < height) bottom = Math.max(bottom - margin, top + 1);
  if (right < width) right = Math.max(right - margin, left + 1);
  return { left, top, width: right - left, height: bottom - top };
}

export function isWholeImage(box: CropBox, image: { width: number; height: number }): boolean {
  return box.left === 0 && box.top === 0 && box.width === image.width && box.height === image.height;
}
