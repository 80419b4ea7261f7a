/**
 * The procedure of a dossier whose code did not say it (a bare barcode on the separator, no
 * receipt): the procedure most of its documents match, weighted by confidence. Documents are then
 * matched again against that procedure's components only, which settles papers that look alike
 * across procedures (an original birth certificate brought for a certified copy is not the
 * birth-registration result).
 */
import type { MatchResult } from './types.ts';

export interface ProcedureVote {
  procedureCode: string | null;
  votes: Record<string, number>;
}

export function inferProcedure(matches: MatchResult[], options: { ignore?: (m: MatchResult) => boolean } = {}): ProcedureVote {
  const votes: Record<string, number> = {};
  for (const m of matches) {
    if (!m.procedureCode || !m.componentCode || options.ignore?.(m)) continue;
    // Review-bound guesses count, but for less.
    votes[m.procedureCode] = (votes[m.procedureCode] ?? 0) + m.confidence * (m.needsReview ? 0.3 : 1);
  }
  const ranked = Object.entries(votes).sort((a, b) => b[1] - a[1]);
  if (!ranked.length || ranked[0][1] <= 0) return { procedureCode: null, votes };
  // A tie is no answer: the clerk picks the procedure.
  if (ranked[1] && ranked[1][1] >= ranked[0][1] * 0.8) return { procedureCode: null, votes };
  return { procedureCode: ranked[0][0], votes };
}
