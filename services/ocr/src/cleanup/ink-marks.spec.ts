import { describe, expect, it } from 'vitest';
import { judgeBlank } from './blank.ts';
import { inkMarks } from './raster.ts';
import { removeSpeckles, removeSpecklesInPlace } from './speckle.ts';

/** The marks found pixel by pixel (a flood fill over 8 neighbours), as cleanup labelled them before runs. */
function floodMarks(data: Uint8Array, width: number, height: number) {
  const labels = new Int32Array(width * height);
  const marks: Array<{ label: number; area: number; x0: number; y0: number; x1: number; y1: number }> = [];
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || data[start] !== 0) continue;
    const c = { label: marks.length + 1, area: 0, x0: width, y0: height, x1: -1, y1: -1 };
    const stack = [start];
    labels[start] = c.label;
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % width;
      const y = (p - x) / width;
      c.area++;
      c.x0 = Math.min(c.x0, x);
      c.x1 = Math.max(c.x1, x);
      c.y0 = Math.min(c.y0, y);
      c.y1 = Math.max(c.y1, y);
      for (let ny = y - 1; ny <= y + 1; ny++) for (let nx = x - 1; nx <= x + 1; nx++) {
        const q = ny * width + nx;
        if (ny >= 0 && ny < height && nx >= 0 && nx < width && labels[q] === 0 && data[q] === 0) {
          labels[q] = c.label;
          stack.push(q);
        }
      }
    }
    marks.push(c);
  }
  return { labels, marks };
}

/** Speck removal by the flood fill's labels: a small mark with no other mark's ink within the radius is erased. */
function floodSpeckles(data: Uint8Array, width: number, height: number, maxSide: number, radius: number) {
  const { labels, marks } = floodMarks(data, width, height);
  const out = new Uint8Array(data);
  let removed = 0;
  for (const c of marks) {
    if (c.x1 - c.x0 >= maxSide || c.y1 - c.y0 >= maxSide) continue;
    let alone = true;
    for (let y = Math.max(0, c.y0 - radius); alone && y <= Math.min(height - 1, c.y1 + radius); y++) {
      for (let x = Math.max(0, c.x0 - radius); x <= Math.min(width - 1, c.x1 + radius); x++) {
        if (data[y * width + x] === 0 && labels[y * width + x] !== c.label) alone = false;
      }
    }
    if (!alone) continue;
    removed++;
    for (let i = 0; i < out.length; i++) if (labels[i] === c.label) out[i] = 255;
  }
  return { out, removed };
}

/** Seeded scattered ink: dots, short strokes and blobs on white, dense enough that marks touch and wrap around. */
function scattered(seed: number, width: number, height: number, density: number): Uint8Array {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
  const data = new Uint8Array(width * height).fill(255);
  for (let k = 0; k < width * height * density; k++) {
    const x = Math.floor(next() * width);
    const y = Math.floor(next() * height);
    const w = 1 + Math.floor(next() * 6);
    const h = 1 + Math.floor(next() * (next() < 0.2 ? 12 : 3));
    for (let dy = 0; dy < h && y + dy < height; dy++) for (let dx = 0; dx < w && x + dx < width; dx++) data[(y + dy) * width + x + dx] = 0;
  }
  return data;
}

describe('ink marks from runs', () => {
  it('finds the same marks, in the same order, with the same areas and boxes as a pixel flood fill', () => {
    for (const [seed, density] of [[1, 0.002], [2, 0.01], [3, 0.04]] as const) {
      const width = 157;
      const height = 211;
      const data = scattered(seed, width, height, density);
      const found = inkMarks(data, width, height, true);
      const runs = Array.from(found.marks.subarray(0, found.count), (m) => ({ area: found.area[m], x0: found.x0[m], y0: found.y0[m], x1: found.x1[m], y1: found.y1[m] }));
      const flood = floodMarks(data, width, height).marks.map(({ label, ...mark }) => mark);
      expect(runs.length).toBeGreaterThan(20);
      expect(runs).toEqual(flood);
    }
  });

  it('erases the same specks as the flood-fill labelling, in a copy and in place', () => {
    let removedSomewhere = 0;
    for (const [seed, density] of [[4, 0.0004], [5, 0.001], [6, 0.01]] as const) {
      const width = 240;
      const height = 180;
      const data = scattered(seed, width, height, density);
      const expected = floodSpeckles(data, width, height, 6, 12);
      removedSomewhere += expected.removed;
      const copy = removeSpeckles({ data, width, height }, { dpi: 200 });
      expect(copy.removed).toBe(expected.removed);
      expect(Buffer.from(copy.image.data).equals(Buffer.from(expected.out))).toBe(true);
      const inPlace = new Uint8Array(data);
      expect(removeSpecklesInPlace({ data: inPlace, width, height }, { dpi: 200 })).toBe(expected.removed);
      expect(Buffer.from(inPlace).equals(Buffer.from(expected.out))).toBe(true);
    }
    expect(removedSomewhere).toBeGreaterThan(5);
  });

  it('reuses its scratch across images of other sizes without mixing them up', () => {
    const big = scattered(7, 400, 300, 0.03);
    const small = scattered(8, 50, 40, 0.02);
    const first = inkMarks(big, 400, 300, true).count;
    expect(first).toBe(floodMarks(big, 400, 300).marks.length);
    expect(inkMarks(small, 50, 40, true).count).toBe(floodMarks(small, 50, 40).marks.length);
  });

  it('counts character-sized marks on an ink mask (1 = ink) up to the blank test\'s minimum', () => {
    const grey = scattered(9, 300, 300, 0.004);
    const mask = grey.map((v) => (v === 0 ? 1 : 0));
    const charSized = floodMarks(grey, 300, 300).marks.filter((c) => c.y1 - c.y0 + 1 >= 10 && c.area >= 20).length;
    expect(charSized).toBeGreaterThan(0);
    const verdict = judgeBlank({ data: mask, width: 300, height: 300 }, { dpi: 200, minMarks: 1000 });
    expect(verdict.marks).toBe(charSized);
  });
});
