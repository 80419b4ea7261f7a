import { describe, expect, it } from 'vitest';
import { allReads, percentile, summarize } from './report.ts';

describe('bench:load report', () => {
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
});
