import { describe, expect, it } from 'vitest';
import { totalRate } from './metrics.ts';
import { splitBySkew } from './page-sets.ts';

describe('pages split by skew', () => {
  it('puts pages skewed less than 7° either way apart from the steeper ones', () => {
    const rows = [0, 6.9, -6.9, 7, -7, 9.6].map((skew) => ({ skew }));
    const { scannerLike, steep } = splitBySkew(rows);
    expect(scannerLike.map((r) => r.skew)).toEqual([0, 6.9, -6.9]);
    expect(steep.map((r) => r.skew)).toEqual([7, -7, 9.6]);
  });

  it('keeps a reader that loses the steep pages at its rate on the others', () => {
    const rows = [
      { skew: 2, cer: { errors: 10, length: 100 } },
      { skew: -4, cer: { errors: 10, length: 100 } },
      { skew: 8.5, cer: { errors: 200, length: 200 } }, // nothing read: every character wrong
    ];
    const { scannerLike, steep } = splitBySkew(rows);
    expect(totalRate(scannerLike.map((r) => r.cer))).toBeCloseTo(0.1);
    expect(totalRate(steep.map((r) => r.cer))).toBe(1);
    expect(totalRate(rows.map((r) => r.cer))).toBeCloseTo(0.55);
  });
});
