import { describe, expect, it } from 'vitest';
import { judgeFlatness } from './flatness.ts';

describe('flat memory over a soak', () => {
  it('compares the last third of the samples with the first', () => {
    const judged = judgeFlatness([700, 720, 740, 750, 760, 770, 780, 790, 800])!;
    expect(judged.firstThirdMb).toBe(720);
    expect(judged.lastThirdMb).toBe(790);
    expect(judged.growth).toBeCloseTo(790 / 720 - 1);
    expect(judged.flat).toBe(true);
  });

  it('calls a steady climb past 10 % a leak', () => {
    const climbing = Array.from({ length: 30 }, (_, i) => 600 + i * 10);
    expect(judgeFlatness(climbing)!.flat).toBe(false);
  });

  it('is not fooled by one high sample, and leaves the middle out when the count does not divide by 3', () => {
    expect(judgeFlatness([700, 700, 700, 700, 1400, 700, 700, 700, 700, 700])!.flat).toBe(true);
    expect(judgeFlatness([700, 900, 760])).toMatchObject({ firstThirdMb: 700, lastThirdMb: 760, flat: true });
  });

  it('gives no judgement on fewer than 3 samples', () => {
    expect(judgeFlatness([700, 800])).toBeNull();
  });
});
