import { describe, expect, it } from 'vitest';
import { renderPipelineReport, type PipelineResults } from './report.ts';
import type { DossierOutcome } from './watch.ts';
import { judgeFlatness } from './flatness.ts';

const dossier = (name: string, seconds: number, pages = 5): DossierOutcome => ({
  name, droppedAt: 0, archivedAt: seconds * 1000, settledAt: seconds * 1000 + 500, pages, archivedPages: pages, documents: 2, review: 0, failed: 0, batchId: null,
});

function results(change: { pagesPerMinute: number; idle: number[]; peakMb: number; reads: number[] }): Partial<PipelineResults> {
  return {
    machine: '2 cores',
    single: {
      date: '2026-12-03', seed: 1, ocrWorkers: 2, idle: change.idle.map((s, i) => dossier(`probe-${i}`, s)), busy: [dossier('d1', 60, 8), dossier('probe-9', 90)],
      busyProbes: ['probe-9'], pagesPerMinute: change.pagesPerMinute, busySeconds: 90, busyPages: 13, archivedPages: 13, review: 0, failed: 0,
      peakProcessMb: change.peakMb, peakTreeMb: change.peakMb + 200, rssTrail: [600, 610], reads: { idle: [5, 6], busy: change.reads, errors: 0 },
      othersShare: { idle: 0.5, busy: 0.6 }, cpuSeconds: { busy: 100 },
    },
    peer: { pages: 13, seconds: 300, pagesPerMinute: 2.6, peakRssMb: 450, cpuSeconds: 200, othersShare: 0.55, date: '2026-12-03' },
  };
}

describe('bench/results/pipeline.md', () => {
  it('judges each goal from the measured numbers', () => {
    const met = renderPipelineReport(results({ pagesPerMinute: 9, idle: [12, 18], peakMb: 700, reads: [10, 20, 30, 40] }));
    expect(met).toMatch(/3\.46 × OCRmyPDF: met/);
    expect(met).toMatch(/p95 ≤ 20 s \| met/);
    expect(met).toMatch(/≤ 800 MB \| met/);
    expect(met).toMatch(/p95 ≤ 50 ms \| met/);
    expect(met).not.toMatch(/missed/);
    const missed = renderPipelineReport(results({ pagesPerMinute: 5, idle: [12, 25], peakMb: 900, reads: [10, 20, 30, 400] }));
    expect(missed.match(/\*\*missed\*\*/g)).toHaveLength(4);
  });

  it("states the other processes' share of the machine", () => {
    expect(renderPipelineReport(results({ pagesPerMinute: 9, idle: [12], peakMb: 700, reads: [10] }))).toMatch(/idle phase 50 %, busy phase 60 %, OCRmyPDF 55 %/);
  });

  it('judges the soak: pages settled, flat memory, peak', () => {
    const soak = (rssTrail: number[], peakProcessMb: number) => renderPipelineReport({
      machine: '2 cores',
      soak: {
        date: '2026-12-03', seed: 1, pagesWanted: 60, pages: 61, archivedPages: 55, dossiers: 14, review: 0, failed: 0, seconds: 400,
        rssTrail, peakProcessMb, flatness: judgeFlatness(rssTrail), cpuSeconds: 200, othersShare: 0.5,
      },
    });
    const flat = soak([700, 720, 710, 705, 730, 715], 780);
    expect(flat).toMatch(/first third's mean \+ 10 %/);
    expect(flat).toMatch(/710 MB → 723 MB \(\+1\.8 %\) \| flat \(≤ \+10 %\) \| met/);
    expect(flat).not.toMatch(/missed/);
    expect(soak([600, 650, 700, 750, 800, 850], 900).match(/\*\*missed\*\*/g)).toHaveLength(2);
  });
});
