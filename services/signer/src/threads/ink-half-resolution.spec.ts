import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { InkMap } from '../ink-map.ts';
import { placeSignatureBox } from '../signature-placement.ts';
import { scannedPageJpeg } from '../testing/index.ts';
import { HALF_RESOLUTION_MIN_DPI, inkMapOfPicture } from './ink-thread.ts';

const A4 = { width: 595.3, height: 841.7 };
const FULL = Number.POSITIVE_INFINITY; // never halve
const cellsOf = (map: InkMap) => map.cells.reduce((sum, v) => sum + v, 0);

/** Whether every ink cell of `a` has an ink cell of `b` within `reach` cells. */
function covered(a: InkMap, b: InkMap, reach: number): boolean {
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < a.columns; c++) {
      if (!a.cells[r * a.columns + c]) continue;
      let near = false;
      for (let dr = -reach; dr <= reach && !near; dr++) {
        for (let dc = -reach; dc <= reach && !near; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          near = rr >= 0 && rr < b.rows && cc >= 0 && cc < b.columns && b.cells[rr * b.columns + cc] === 1;
        }
      }
      if (!near) return false;
    }
  }
  return true;
}

describe("page 1's ink mapped from a 300 dpi JPEG decoded at half resolution", () => {
  it('marks the ink the full-resolution map marks, within a cell, and the signature boxes land where they did', async () => {
    const jpeg = await scannedPageJpeg(2480);
    const task = { picture: { jpeg }, page: A4, maxPixels: 100_000_000 };
    const full = (await inkMapOfPicture(task, FULL))!;
    const half = (await inkMapOfPicture(task))!;
    expect(HALF_RESOLUTION_MIN_DPI).toBeLessThanOrEqual(300);
    expect(half.dpi).toBeCloseTo(full.dpi, 6); // the picture's own resolution either way
    expect(cellsOf(full.map)).toBeGreaterThan(1000);
    expect(covered(full.map, half.map, 1)).toBe(true);
    expect(covered(half.map, full.map, 1)).toBe(true);
    expect(Math.abs(cellsOf(half.map) - cellsOf(full.map)) / cellsOf(full.map)).toBeLessThan(0.05);
    for (const corner of ['top-right', 'top-left'] as const) {
      const request = { corner, size: { width: 220, height: 66 }, minScale: 0.6, margin: 14 };
      const a = placeSignatureBox({ ...request, ink: full.map });
      const b = placeSignatureBox({ ...request, ink: half.map });
      expect(Math.abs(a.box.left - b.box.left)).toBeLessThanOrEqual(2);
      expect(Math.abs(a.box.top - b.box.top)).toBeLessThanOrEqual(2);
      expect(Math.abs(a.box.width - b.box.width)).toBeLessThanOrEqual(2);
    }
  });

  it('keeps a faint one-pixel stroke that the full-resolution map counts as ink', async () => {
    // 300 dpi A4 paper with faint hairlines, one pixel wide, on odd pixels so each falls inside a half-resolution pixel.
    const width = 2480;
    const height = 3508;
    const paper = 240;
    const pixels = Buffer.alloc(width * height, paper);
    for (let y = 1201; y < 1801; y++) pixels[y * width + 1601] = 140; // vertical, at 0.58 of the paper: just dark enough to be ink at full resolution
    for (let x = 401; x < 1001; x++) pixels[2601 * width + x] = 140; // horizontal
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 1 } }).jpeg({ quality: 95 }).toBuffer();
    const task = { picture: { jpeg }, page: A4, maxPixels: 100_000_000 };
    const full = (await inkMapOfPicture(task, FULL))!;
    const half = (await inkMapOfPicture(task))!;
    const cell = (xPixel: number, yPixel: number, map: InkMap) =>
      map.cells[Math.floor(((yPixel / height) * A4.height) / map.cell) * map.columns + Math.floor(((xPixel / width) * A4.width) / map.cell)];
    for (const map of [full.map, half.map]) {
      expect(cell(1601, 1500, map)).toBe(1);
      expect(cell(700, 2601, map)).toBe(1);
      expect(cell(200, 200, map)).toBe(0);
    }
    expect(covered(full.map, half.map, 1)).toBe(true);
  });
});
