/**
 * The pipeline's queue and throughput per unit, for the oversight dashboard: pages waiting at each stage now, and
 * pages archived in each of the last hours. Pure: the counting is pipeline.repository.ts.
 */
import { subtreeOf } from '@sohoa/shared';
import type { ReportUnit } from './digitization-rate.ts';

/**
 * Where a page waits: cleanup and OCR (the page not yet read), the clerk's review, building the PDF, signing,
 * archiving. A page is counted once, at the stage of its document once it has one.
 */
export const pipelineStages = ['ocr', 'review', 'building', 'signing', 'archiving'] as const;
export type PipelineStage = (typeof pipelineStages)[number];

export interface StageCount { unitId: string; stage: PipelineStage; pages: number }
export interface ArchivedCount { unitId: string; hour: Date; pages: number }

export interface PipelineRow {
  unit: string;
  unitName: string;
  waiting: Record<PipelineStage, number>;
  /** Every hour of the window, oldest first (the hour's start), also those with nothing archived. */
  archived: { hour: string; pages: number }[];
  /** Pages archived over the window, divided by its hours. */
  pagesPerHour: number;
}

const HOUR = 3_600_000;

/** The starts of the `hours` whole hours up to and including the one `now` is in, oldest first. */
export function hourStarts(now: Date, hours: number): Date[] {
  const current = Math.floor(now.getTime() / HOUR) * HOUR;
  return Array.from({ length: hours }, (_, i) => new Date(current - (hours - 1 - i) * HOUR));
}

/**
 * One row per shown unit (in the order given), each counting its own pages and those of every unit below it,
 * as the digitization report rolls units up.
 */
export function pipelineReport(input: {
  units: readonly ReportUnit[]; shown: readonly string[]; waiting: readonly StageCount[]; archived: readonly ArchivedCount[]; now: Date; hours: number;
}): PipelineRow[] {
  const starts = hourStarts(input.now, input.hours);
  return input.shown.map((id) => {
    const unit = input.units.find((u) => u.id === id)!;
    const below = subtreeOf(input.units, id);
    const waiting = Object.fromEntries(pipelineStages.map((s) => [s, 0])) as Record<PipelineStage, number>;
    for (const c of input.waiting) if (below.has(c.unitId)) waiting[c.stage] += c.pages;
    const perHour = new Map(starts.map((h) => [h.getTime(), 0]));
    for (const a of input.archived) {
      const key = Math.floor(a.hour.getTime() / HOUR) * HOUR;
      if (below.has(a.unitId) && perHour.has(key)) perHour.set(key, perHour.get(key)! + a.pages);
    }
    const archived = starts.map((h) => ({ hour: h.toISOString(), pages: perHour.get(h.getTime())! }));
    const total = archived.reduce((sum, a) => sum + a.pages, 0);
    return { unit: unit.code, unitName: unit.name, waiting, archived, pagesPerHour: Math.round((total / input.hours) * 100) / 100 };
  });
}
