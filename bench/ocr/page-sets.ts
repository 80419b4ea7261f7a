/**
 * The pages a comparison is made on. The corpus skews pages up to ±10°; a counter scanner's feeder
 * keeps pages within a few degrees, and OCRmyPDF's deskew gives up on the steepest skews, so the
 * headline comparison is on pages skewed less than SKEW_LIMIT, the whole corpus after it.
 */

export const SKEW_LIMIT = 7;

export interface SkewSplit<T> {
  /** |skew| < limit: what a counter scanner produces. */
  scannerLike: T[];
  /** |skew| ≥ limit. */
  steep: T[];
}

export function splitBySkew<T extends { skew: number }>(rows: T[], limit = SKEW_LIMIT): SkewSplit<T> {
  const scannerLike: T[] = [];
  const steep: T[] = [];
  for (const row of rows) (Math.abs(row.skew) < limit ? scannerLike : steep).push(row);
  return { scannerLike, steep };
}
