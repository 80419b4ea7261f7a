import { describe, expect, it } from 'vitest';
import { allReads, KEPT_NOTES_HEADING, percentile, readGoal, renderLoadReport, summarize, withKeptNotes, type LoadReport } from './report.ts';
import type { FireResult } from './fire.ts';

describe('bench:load report', () => {
  it('keeps the hand-written notes of the report it replaces, and only them', () => {
    const previous = `# old report\n| old table |\n\n${KEPT_NOTES_HEADING}\n\nmeasured by hand\n`;
    expect(withKeptNotes('# new report\n| new table |\n', previous)).toBe(`# new report\n| new table |\n\n${KEPT_NOTES_HEADING}\n\nmeasured by hand\n`);
    expect(withKeptNotes('# new report\n', '# old report\n')).toBe('# new report\n');
    expect(withKeptNotes('# new report\n', null)).toBe('# new report\n');
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeNaN();
  });

  it('counts 429 apart from other 4xx and from 5xx, and adds timeouts to socket errors', () => {
    const s = summarize({ kind: 'upload', latenciesMs: [1, 2, 3, 4, 5], statuses: { 202: 2, 429: 1, 413: 1, 503: 1 }, errors: 1, timeouts: 2, retryAfterMissing: 0 });
    expect(s).toMatchObject({ requests: 5, ok: 2, s429: 1, s4xx: 1, s5xx: 1, errors: 3 });
  });

  it('joins every kind of read, and only reads', () => {
    const all = allReads([
      { kind: 'search', latenciesMs: [1, 2], statuses: { 200: 2 }, errors: 0, timeouts: 0, retryAfterMissing: 0 },
      { kind: 'PDF download', latenciesMs: [3], statuses: { 200: 1 }, errors: 1, timeouts: 0, retryAfterMissing: 0 },
      { kind: 'upload', latenciesMs: [9], statuses: { 429: 1 }, errors: 0, timeouts: 0, retryAfterMissing: 0 },
    ]);
    expect(all.latenciesMs).toEqual([1, 2, 3]);
    expect(all.statuses).toEqual({ 200: 3 });
    expect(all.errors).toBe(1);
  });

  const reads = (ms: number[], status = 200): FireResult[] => [{ kind: 'record metadata', latenciesMs: ms, statuses: { [status]: ms.length }, errors: 0, timeouts: 0, retryAfterMissing: 0 }];
  const run = (open: number[] | null, closed: number[]): LoadReport => ({
    date: '2026-12-03', seconds: 10, idleSeconds: 10, limit: 60, junk: 1, bigPages: 1, readRate: 2,
    cpu: { model: 'x', cores: 2, memGiB: 1, node: 'v20' },
    idle: { reads: reads(closed), othersShare: 0 }, load: { results: reads(closed), othersShare: 0, ownShare: 0, maxDepth: 0, peakRssMb: 0 },
    ...(open ? { idleOpen: { reads: reads(open), othersShare: 0 }, open: { results: reads(open), othersShare: 0, ownShare: 0 } } : {}),
    small: { idleMs: 1, idleStatus: 'done', busyMs: 1, busyStatus: 'done', bigStatus: 'processing', bigFilesWaiting: 2, bigPagesWaiting: 0 },
  });

  it('judges the read goal on the open-loop run, not on the closed loop that saturates', () => {
    const fast = Array.from({ length: 100 }, () => 20);
    const slow = Array.from({ length: 100 }, () => 900);
    expect(readGoal(run(fast, slow))).toEqual({ basis: 'open loop', p95: 20, met: true });
    expect(readGoal(run(slow, fast))).toMatchObject({ basis: 'open loop', met: false });
    expect(readGoal(run(null, slow))).toMatchObject({ basis: 'closed loop', met: false }); // a run kept from before
    const md = renderLoadReport(run(fast, slow));
    expect(md).toContain('judged on the **open loop** run');
    expect(md).toMatch(/reads p95 ≤ 100 ms while uploads and OCR run \(open loop\) \| 20 ms at 10 reads\/s reached of 100 asked/);
    expect(md).toContain('closed-loop reads per second | alone 10 reads/s, p95 900 ms');
  });

  it('does not call the goal met when reads fail with 5xx, however fast', () => {
    const r = run([5, 5, 5], [5]);
    r.open!.results = reads([5, 5, 5], 500);
    expect(readGoal(r).met).toBe(false);
  });
});
