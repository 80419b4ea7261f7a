/**
 * Choosing the orientation threshold (`acceptReadability`: a first reading at or above it settles
 * which way up a page is) from recorded readings, with the service's own decision code replayed.
 * Each page is read once both ways up; every candidate threshold is then replayed on those readings,
 * so the choice costs one OCR pass, not one per threshold.
 */
import { readUpright, type OsdAnswer, type Rotation } from '../../services/ocr/src/cleanup/orientation.ts';

export interface RecordedPage {
  name: string;
  /** Clockwise turn that makes the page upright (the truth). */
  upright: number;
  /** Readability at both candidates of the page's text-line axis. */
  readability: Partial<Record<Rotation, number>>;
  /** OSD's answer, recorded whenever the decision asked for it. */
  osd?: OsdAnswer;
}

export interface ThresholdOutcome {
  threshold: number;
  /** Pages turned the right way up. */
  right: number;
  /** Pages read a second time (the cost of a high threshold). */
  secondReadings: number;
}

function axisOf(page: RecordedPage): 'horizontal' | 'vertical' {
  const read = Object.keys(page.readability).map(Number);
  if (read.length === 2 && read.every((r) => r === 0 || r === 180)) return 'horizontal';
  if (read.length === 2 && read.every((r) => r === 90 || r === 270)) return 'vertical';
  throw new Error(`${page.name}: expected readings at both candidates of one axis, got ${read.join(', ') || 'none'}`);
}

/** The service's decision at `threshold`, on the recorded readings of one page. */
export async function replayPage(page: RecordedPage, threshold: number): Promise<{ rotation: Rotation; readings: number }> {
  let readings = 0;
  const decision = await readUpright(
    {
      read: async (rotation) => {
        readings++;
        return { result: rotation, readability: page.readability[rotation] ?? 0 };
      },
      osd: async () => {
        if (!page.osd) throw new Error(`${page.name}: the decision asked OSD, but no OSD answer was recorded`);
        return page.osd;
      },
    },
    axisOf(page),
    { acceptReadability: threshold },
  );
  return { rotation: decision.rotation, readings };
}

export async function replayThresholds(pages: RecordedPage[], thresholds: number[]): Promise<ThresholdOutcome[]> {
  const outcomes: ThresholdOutcome[] = [];
  for (const threshold of thresholds) {
    let right = 0;
    let secondReadings = 0;
    for (const page of pages) {
      const { rotation, readings } = await replayPage(page, threshold);
      if (rotation === page.upright) right++;
      if (readings > 1) secondReadings++;
    }
    outcomes.push({ threshold, right, secondReadings });
  }
  return outcomes;
}

export interface TunedThreshold {
  threshold: number;
  /** The thresholds, consecutive, that do as well: the chosen one is their middle, the widest margin both ways. */
  range: [number, number];
  right: number;
  secondReadings: number;
}

/**
 * Most pages right first; then fewest second readings; among the thresholds left (consecutive
 * integers), the middle of the longest run, so that neither a slightly worse upright reading nor a
 * slightly better upside-down one flips the outcome.
 */
export function chooseThreshold(outcomes: ThresholdOutcome[]): TunedThreshold {
  if (!outcomes.length) throw new Error('no thresholds to choose from');
  const right = Math.max(...outcomes.map((o) => o.right));
  const secondReadings = Math.min(...outcomes.filter((o) => o.right === right).map((o) => o.secondReadings));
  const best = outcomes.filter((o) => o.right === right && o.secondReadings === secondReadings).map((o) => o.threshold).sort((a, b) => a - b);
  let run: [number, number] = [best[0], best[0]];
  let current: [number, number] = [best[0], best[0]];
  for (const t of best.slice(1)) {
    current = t === current[1] + 1 ? [current[0], t] : [t, t];
    if (current[1] - current[0] > run[1] - run[0]) run = current;
  }
  return { threshold: Math.floor((run[0] + run[1]) / 2), range: run, right, secondReadings };
}
