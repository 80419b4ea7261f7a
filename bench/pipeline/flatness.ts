/**
 * "Memory stays flat" over a soak, as a number: the mean resident memory of the last third of the samples is at
 * most the first third's mean plus 10 %. Thirds rather than first against last sample, so one sample taken in a
 * page's peak does not decide; the first third includes the warm-up (tesseract's heaps grow on their first pages),
 * which is the level a counter's machine must be sized for anyway.
 */

export interface Flatness {
  firstThirdMb: number;
  lastThirdMb: number;
  /** lastThirdMb / firstThirdMb − 1. */
  growth: number;
  flat: boolean;
}

export const FLAT_GROWTH = 0.1;

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Null with fewer than 3 samples: no thirds to compare. */
export function judgeFlatness(samplesMb: number[], allowedGrowth = FLAT_GROWTH): Flatness | null {
  if (samplesMb.length < 3) return null;
  const third = Math.floor(samplesMb.length / 3);
  const firstThirdMb = mean(samplesMb.slice(0, third));
  const lastThirdMb = mean(samplesMb.slice(samplesMb.length - third));
  const growth = lastThirdMb / firstThirdMb - 1;
  return { firstThirdMb, lastThirdMb, growth, flat: lastThirdMb <= firstThirdMb * (1 + allowedGrowth) };
}
