/**
 * Where a visible signature box goes on page 1: in the blank area nearest
 * its prescribed corner (unit: top right, officer: top left), never over the
 * page's ink nor over another signature's box. Pure: an ink map in, a box out.
 *
 * The search, in order, stopping at the first stage that finds a place:
 *   1. the corner region (the top CORNER_REGION_HEIGHT of the page, the
 *      corner's half of its width): at every scale from full size down to
 *      the minimum in SCALE_STEP steps, the free position nearest the
 *      corner; of those, the one with the lowest cost, its distance from
 *      where the box sits on a blank page plus SCALE_COST_POINTS for each
 *      unit of scale given up (so a box shrinks to stay in the top margin
 *      rather than move far down the page beside the text, but does not
 *      shrink to gain a few points);
 *   2. the whole page, the same way (the box leaves the corner rather than
 *      cover text; fit 'away-from-corner', with a warning);
 *   3. nothing free anywhere: the corner region's position at the minimum
 *      scale with the fewest ink cells under it (fit 'over-ink', with a
 *      warning the job logs: a clerk should look at the page).
 * Boxes keep CLEARANCE_POINTS from ink and MIN_EDGE_POINTS from the page edge.
 */
import type { InkMap } from './ink-map.ts';

/** A rectangle in points from the page's top-left corner, y downwards (as the ink map). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type Corner = 'top-left' | 'top-right';

export interface PlacementRequest {
  ink: InkMap;
  corner: Corner;
  /** The box at full size, in points. */
  size: { width: number; height: number };
  /** Smallest scale the box may be shrunk to. */
  minScale: number;
  /** Preferred distance from the page's edges at the corner, in points: where the box goes on a blank page. */
  margin: number;
  /** Boxes already on the page (an earlier signature): never covered. */
  avoid?: Box[];
}

export interface Placement {
  box: Box;
  scale: number;
  /** 'full-size' and 'scaled': in the corner region, on blank paper. */
  fit: 'full-size' | 'scaled' | 'away-from-corner' | 'over-ink';
  /** Ink cells under the box and its clearance: 0 unless fit is 'over-ink'. */
  inkCells: number;
  /** Why a clerk might want to look at the page; absent when the box sits in its corner region. */
  warning?: string;
}

/** Blank paper kept between the box and any ink (1 mm). */
export const CLEARANCE_POINTS = 3;
/** The box may move this close to the page's edge (2.5 mm) when the preferred margin is taken. */
export const MIN_EDGE_POINTS = 7;
/** Shrinking goes in steps of this much scale. */
export const SCALE_STEP = 0.05;
/** What giving up the whole scale would cost, in points of distance: shrinking 10% is worth moving 20 pt (7 mm) nearer. */
export const SCALE_COST_POINTS = 200;
/** Stage 1 looks in the top part of the page: the national motto, the title and a few lines below them. */
export const CORNER_REGION_HEIGHT = 0.25;

interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Summed-area table of the ink cells: the ink in any cell rectangle in four look-ups. */
function summedArea(ink: InkMap): Int32Array {
  const width = ink.columns + 1;
  const table = new Int32Array(width * (ink.rows + 1));
  for (let r = 0; r < ink.rows; r++) {
    let row = 0;
    for (let c = 0; c < ink.columns; c++) {
      row += ink.cells[r * ink.columns + c]!;
      table[(r + 1) * width + c + 1] = table[r * width + c + 1]! + row;
    }
  }
  return table;
}

function overlaps(a: Bounds, b: Box): boolean {
  return a.left < b.left + b.width && b.left < a.right && a.top < b.top + b.height && b.top < a.bottom;
}

function scales(minScale: number): number[] {
  const list: number[] = [];
  for (let step = 0; 1 - step * SCALE_STEP > minScale + 1e-9; step++) list.push(Number((1 - step * SCALE_STEP).toFixed(4)));
  list.push(minScale);
  return list;
}

export function placeSignatureBox(request: PlacementRequest): Placement {
  const { ink, corner, size, margin } = request;
  const minScale = Math.min(1, Math.max(0.05, request.minScale));
  const avoid = request.avoid ?? [];
  const table = summedArea(ink);
  const stride = ink.columns + 1;

  /** Ink cells under the box grown by the clearance (clipped to the page). */
  const inkUnder = (left: number, top: number, width: number, height: number): number => {
    const c0 = Math.max(0, Math.floor((left - CLEARANCE_POINTS) / ink.cell));
    const r0 = Math.max(0, Math.floor((top - CLEARANCE_POINTS) / ink.cell));
    const c1 = Math.min(ink.columns, Math.ceil((left + width + CLEARANCE_POINTS) / ink.cell));
    const r1 = Math.min(ink.rows, Math.ceil((top + height + CLEARANCE_POINTS) / ink.cell));
    if (c1 <= c0 || r1 <= r0) return 0;
    return table[r1 * stride + c1]! - table[r0 * stride + c1]! - table[r1 * stride + c0]! + table[r0 * stride + c0]!;
  };
  const clearOfBoxes = (left: number, top: number, width: number, height: number): boolean => {
    const grown = { left: left - CLEARANCE_POINTS, top: top - CLEARANCE_POINTS, right: left + width + CLEARANCE_POINTS, bottom: top + height + CLEARANCE_POINTS };
    return avoid.every((box) => !overlaps(grown, box));
  };

  const atRight = corner === 'top-right';
  const regionFor = (whole: boolean): Bounds => {
    if (whole) return { left: 0, top: 0, right: ink.width, bottom: ink.height };
    const half = ink.width / 2;
    return { left: atRight ? half : 0, top: 0, right: atRight ? ink.width : half, bottom: ink.height * CORNER_REGION_HEIGHT };
  };

  /** Where a width-wide box sits on a blank page, and how far a position is from there. */
  const preferredLeftOf = (width: number) => (atRight ? ink.width - margin - width : margin);
  const distanceFrom = (width: number, left: number, top: number) => Math.hypot(left - preferredLeftOf(width), top - margin);

  /**
   * Every position of a width × height box inside `region` and the page's
   * edge band, on a grid of one ink cell anchored at the preferred spot, with
   * the ink cells under it and its clearance: `visit` sees them row by row,
   * left to right, and may return a distance from the preferred spot from
   * which on positions are of no more use to it (rows and stretches of a row
   * that far away are stepped over unseen).
   */
  const positions = (region: Bounds, width: number, height: number, visit: (left: number, top: number, under: number) => number): void => {
    const step = ink.cell;
    const preferredLeft = preferredLeftOf(width);
    const preferredTop = margin;
    const minLeft = Math.max(region.left, MIN_EDGE_POINTS);
    const maxLeft = Math.min(region.right, ink.width - MIN_EDGE_POINTS) - width;
    const minTop = Math.max(region.top, MIN_EDGE_POINTS);
    const maxTop = Math.min(region.bottom, ink.height - MIN_EDGE_POINTS) - height;
    if (maxLeft < minLeft || maxTop < minTop) return;
    const firstI = Math.ceil((minLeft - preferredLeft) / step);
    let lastI = firstI;
    while (preferredLeft + (lastI + 1) * step <= maxLeft + 1e-9) lastI++;
    // The cell columns each left edge's box and clearance span, worked out once for all rows.
    const c0 = new Int32Array(lastI - firstI + 1);
    const c1 = new Int32Array(lastI - firstI + 1);
    for (let i = firstI; i <= lastI; i++) {
      const left = preferredLeft + i * step;
      c0[i - firstI] = Math.max(0, Math.floor((left - CLEARANCE_POINTS) / ink.cell));
      c1[i - firstI] = Math.min(ink.columns, Math.ceil((left + width + CLEARANCE_POINTS) / ink.cell));
    }
    let bound = Number.POSITIVE_INFINITY;
    for (let j = Math.ceil((minTop - preferredTop) / step); preferredTop + j * step <= maxTop + 1e-9; j++) {
      const top = preferredTop + j * step;
      const dy = Math.abs(top - preferredTop);
      if (dy > bound + step) {
        if (top > preferredTop) break; // further rows are further still
        continue;
      }
      const r0 = Math.max(0, Math.floor((top - CLEARANCE_POINTS) / ink.cell));
      const r1 = Math.min(ink.rows, Math.ceil((top + height + CLEARANCE_POINTS) / ink.cell));
      // Positions whose horizontal offset alone passes the bound are skipped; one step of slack keeps rounding out of it.
      const reach = bound === Number.POSITIVE_INFINITY ? bound : Math.sqrt(Math.max(0, bound * bound - dy * dy)) / step + 1;
      for (let i = Math.max(firstI, Math.floor(-reach)); i <= lastI && i <= reach; i++) {
        const a = c0[i - firstI]!;
        const b = c1[i - firstI]!;
        const under = b <= a || r1 <= r0 ? 0 : table[r1 * stride + b]! - table[r0 * stride + b]! - table[r1 * stride + a]! + table[r0 * stride + a]!;
        bound = visit(preferredLeft + i * step, top, under);
      }
    }
  };

  /** The cheapest free box in `region` over all scales, or null. */
  const cheapestFree = (region: Bounds): { box: Box; scale: number } | null => {
    let best = null as { box: Box; scale: number; cost: number } | null;
    for (const scale of scales(minScale)) {
      const shrinking = SCALE_COST_POINTS * (1 - scale);
      if (best && shrinking >= best.cost) break;
      const width = size.width * scale;
      const height = size.height * scale;
      positions(region, width, height, (left, top, under) => {
        if (under === 0) {
          const cost = distanceFrom(width, left, top) + shrinking;
          if ((!best || cost < best.cost) && clearOfBoxes(left, top, width, height)) best = { box: { left, top, width, height }, scale, cost };
        }
        // A position at this distance or further costs at least as much as the best one: never better.
        return best ? best.cost - shrinking : Number.POSITIVE_INFINITY;
      });
    }
    return best;
  };

  const nearCorner = cheapestFree(regionFor(false));
  if (nearCorner) return { box: nearCorner.box, scale: nearCorner.scale, fit: nearCorner.scale === 1 ? 'full-size' : 'scaled', inkCells: 0 };
  const elsewhere = cheapestFree(regionFor(true));
  if (elsewhere) {
    return {
      box: elsewhere.box, scale: elsewhere.scale, fit: 'away-from-corner', inkCells: 0,
      warning: `no blank place near the ${corner} corner of page 1: the signature box was put ${Math.round(elsewhere.box.top)} pt from the top instead`,
    };
  }

  // Nothing blank at the minimum scale anywhere: the least ink in the corner region, the nearest among equals.
  const width = size.width * minScale;
  const height = size.height * minScale;
  let best = null as { left: number; top: number; distance: number; ink: number } | null;
  positions(regionFor(false), width, height, (left, top, under) => {
    if (clearOfBoxes(left, top, width, height)) {
      const distance = distanceFrom(width, left, top);
      if (!best || under < best.ink || (under === best.ink && distance < best.distance)) best = { left, top, distance, ink: under };
    }
    return Number.POSITIVE_INFINITY;
  });
  const fallback = best ?? {
    // Not even a position clear of the other boxes (a page smaller than two boxes): the preferred spot.
    left: atRight ? ink.width - margin - width : margin,
    top: margin,
    ink: inkUnder(atRight ? ink.width - margin - width : margin, margin, width, height),
  };
  return {
    box: { left: fallback.left, top: fallback.top, width, height },
    scale: minScale,
    fit: 'over-ink',
    inkCells: fallback.ink,
    warning: `page 1 has no blank place for the ${corner} signature box even at ${Math.round(minScale * 100)}%: it covers ${fallback.ink} cells of ink`,
  };
}
