import { describe, expect, it } from 'vitest';
import { blankInkMap, clearSpecks, darkPixels, inkMapOf, type InkMap } from './ink-map.ts';
import { CLEARANCE_POINTS, MIN_EDGE_POINTS, placeSignatureBox, type Box, type PlacementRequest } from './signature-placement.ts';

const A4 = { width: 595, height: 842 };
const UNIT = { width: 220, height: 66 };
const OFFICER = { width: 190, height: 40 };

/** An A4 ink map with ink over the given rectangles (points, from the top-left). */
function pageWith(...inked: Box[]): InkMap {
  const map = blankInkMap(A4);
  for (const box of inked) {
    for (let r = Math.floor(box.top / map.cell); r < Math.ceil((box.top + box.height) / map.cell); r++) {
      for (let c = Math.floor(box.left / map.cell); c < Math.ceil((box.left + box.width) / map.cell); c++) map.cells[r * map.columns + c] = 1;
    }
  }
  return map;
}

function request(ink: InkMap, over: Partial<PlacementRequest> = {}): PlacementRequest {
  return { ink, corner: 'top-right', size: UNIT, minScale: 0.6, margin: 14, ...over };
}

/** Ink cells under a box, counted the slow way. */
function inkUnder(ink: InkMap, box: Box): number {
  let count = 0;
  for (let r = 0; r < ink.rows; r++) {
    for (let c = 0; c < ink.columns; c++) {
      const cell = { left: c * ink.cell, top: r * ink.cell, width: ink.cell, height: ink.cell };
      const touches = cell.left < box.left + box.width && box.left < cell.left + cell.width && cell.top < box.top + box.height && box.top < cell.top + cell.height;
      if (touches && ink.cells[r * ink.columns + c]) count++;
    }
  }
  return count;
}

const overlap = (a: Box, b: Box) => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

describe('placeSignatureBox', () => {
  it('puts the box in its prescribed corner, full size, on a blank page', () => {
    const unit = placeSignatureBox(request(blankInkMap(A4)));
    expect(unit).toMatchObject({ fit: 'full-size', scale: 1, inkCells: 0, box: { left: 595 - 14 - 220, top: 14, width: 220, height: 66 } });
    expect(unit.warning).toBeUndefined();
    const officer = placeSignatureBox(request(blankInkMap(A4), { corner: 'top-left', size: OFFICER }));
    expect(officer.box).toEqual({ left: 14, top: 14, width: 190, height: 40 });
  });

  it('moves off a motto at the top right to the nearest blank place, clear of ink by the clearance', () => {
    // "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" across the top right, a blank strip under it, the title further down.
    const motto = { left: 300, top: 20, width: 270, height: 40 };
    const title = { left: 120, top: 150, width: 360, height: 20 };
    const ink = pageWith(motto, title);
    const placed = placeSignatureBox(request(ink));
    expect(placed.fit).toBe('full-size');
    expect(placed.warning).toBeUndefined();
    const grown = { left: placed.box.left - CLEARANCE_POINTS, top: placed.box.top - CLEARANCE_POINTS, width: placed.box.width + 2 * CLEARANCE_POINTS, height: placed.box.height + 2 * CLEARANCE_POINTS };
    expect(inkUnder(ink, grown)).toBe(0);
    expect(placed.box.top).toBeGreaterThanOrEqual(motto.top + motto.height);
    expect(placed.box.top + placed.box.height).toBeLessThanOrEqual(title.top);
    // Nearest: right against the motto's clearance, not lower than it must be.
    expect(placed.box.top).toBeLessThanOrEqual(motto.top + motto.height + CLEARANCE_POINTS + ink.cell);
  });

  it('shrinks the box to fit a small top margin rather than move far down the page', () => {
    // 56 pt of blank paper above text that fills the top of the page: 66 pt does not fit, 40 pt (60%) does.
    const ink = pageWith({ left: 40, top: 56, width: 520, height: 700 });
    const placed = placeSignatureBox(request(ink));
    expect(placed.fit).toBe('scaled');
    expect(placed.scale).toBeGreaterThanOrEqual(0.6);
    expect(placed.scale).toBeLessThan(1);
    expect(placed.box.top).toBeGreaterThanOrEqual(MIN_EDGE_POINTS);
    expect(placed.box.top + placed.box.height + CLEARANCE_POINTS).toBeLessThanOrEqual(56);
    expect(placed.box.width).toBeCloseTo(UNIT.width * placed.scale);
  });

  it('never shrinks below the minimum scale: it leaves the corner instead, with a warning', () => {
    // Text from 30 pt down to 600 pt: the top margin is too small even at 60%, the bottom of the page is blank.
    const ink = pageWith({ left: 30, top: 30, width: 535, height: 570 });
    const placed = placeSignatureBox(request(ink));
    expect(placed.fit).toBe('away-from-corner');
    expect(placed.scale).toBeGreaterThanOrEqual(0.6);
    expect(placed.box.top).toBeGreaterThanOrEqual(600);
    expect(inkUnder(ink, placed.box)).toBe(0);
    expect(placed.warning).toMatch(/no blank place near the top-right corner/);
  });

  it('covers the least ink at the minimum scale when the page has no blank place, and says so', () => {
    const ink = pageWith({ left: 0, top: 0, width: 595, height: 842 });
    // A gap in the corner region, away from the corner and smaller than the box (100 × 30 pt at 320–420, 20–50 pt).
    for (let r = 10; r < 25; r++) for (let c = 160; c < 210; c++) ink.cells[r * ink.columns + c] = 0;
    const placed = placeSignatureBox(request(ink));
    expect(placed.fit).toBe('over-ink');
    expect(placed.scale).toBe(0.6);
    expect(placed.inkCells).toBeGreaterThan(0);
    // Counted with the clearance, as placement counts: fewer than at the prescribed spot.
    const c = CLEARANCE_POINTS;
    expect(placed.inkCells).toBeLessThan(inkUnder(ink, { left: 595 - 14 - 132 - c, top: 14 - c, width: 132 + 2 * c, height: 39.6 + 2 * c }));
    expect(placed.box.left).toBeGreaterThanOrEqual(595 / 2);
    expect(placed.box.left).toBeLessThanOrEqual(320 + c); // the gap inside the box and its clearance
    expect(placed.warning).toMatch(/covers \d+ cells of ink/);
  });

  it('keeps clear of boxes already on the page, as the unit box does of the officer box', () => {
    const officerBox = { left: 300, top: 14, width: 281, height: 100 };
    const placed = placeSignatureBox(request(blankInkMap(A4), { avoid: [officerBox] }));
    expect(placed.fit).toBe('full-size');
    expect(overlap(placed.box, officerBox)).toBe(false);
    expect(placed.box.top).toBeGreaterThanOrEqual(officerBox.top + officerBox.height + CLEARANCE_POINTS);
  });
});

describe('the ink map', () => {
  const raster = (width: number, height: number, paint: (x: number, y: number) => [number, number, number]) => {
    const pixels = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(paint(x, y), (y * width + x) * 3);
    return { pixels, width, height, channels: 3 as const };
  };

  it('counts red seals and blue ink as ink, and yellowed, unevenly lit paper as paper', () => {
    const page = raster(100, 100, (x, y) => {
      if (x < 10 && y < 10) return [208, 16, 27]; // seal red
      if (x > 90 && y > 90) return [30, 60, 170]; // ballpoint blue
      const light = 255 - Math.round((x + y) / 6); // falls off towards one corner
      return [light, Math.round(light * 0.93), Math.round(light * 0.75)]; // yellowed
    });
    const dark = darkPixels(page);
    expect(dark[0]).toBe(1);
    expect(dark[99 * 100 + 99]).toBe(1);
    expect(dark.reduce((sum, v) => sum + v, 0)).toBe(100 + 81);
  });

  it('drops isolated dust specks and keeps a dotted line and a dot beside its letter', () => {
    const width = 200;
    const height = 100;
    const mask = new Uint8Array(width * height);
    const dot = (x: number, y: number) => { for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) mask[(y + dy) * width + x + dx] = 1; };
    dot(20, 20); // dust, alone
    for (let x = 60; x < 160; x += 8) dot(x, 50); // a dotted leader line
    for (let y = 80; y < 95; y++) for (let x = 100; x < 104; x++) mask[y * width + x] = 1; // a letter's stem
    dot(101, 96); // its dot below
    const removed = clearSpecks(mask, width, height, 200);
    expect(removed).toBe(1);
    expect(mask[21 * width + 21]).toBe(0);
    expect(mask[51 * width + 61]).toBe(1);
    expect(mask[97 * width + 102]).toBe(1);
  });

  it('marks every cell an ink pixel touches, so a box clear of ink cells is clear of ink pixels', () => {
    // 3 pixels per 2 points: pixel boundaries fall inside cells.
    const width = 30;
    const height = 30;
    const ink = new Uint8Array(width * height);
    ink[7 * width + 13] = 1;
    const map = inkMapOf(ink, width, height, { width: 20, height: 20 }, 2);
    const marked: Array<[number, number]> = [];
    for (let r = 0; r < map.rows; r++) for (let c = 0; c < map.columns; c++) if (map.cells[r * map.columns + c]) marked.push([c, r]);
    // Pixel 13 spans 8.67–9.33 pt (cell 4), row 7 spans 4.67–5.33 pt (cell 2).
    expect(marked).toEqual([[4, 2]]);
    ink[7 * width + 13] = 0;
    ink[2 * width + 2] = 1; // 1.33–2 pt: cell 0 only, its right edge on the boundary
    expect(inkMapOf(ink, width, height, { width: 20, height: 20 }, 2).cells.reduce((sum, v) => sum + v, 0)).toBe(1);
  });
});
