/**
 * Fuzzy comparison of folded texts, tolerant to what OCR does to a title: dropped or wrong accents
 * (removed by folding), a wrong letter or two, words broken apart or run together.
 */
import { distance } from 'fastest-levenshtein';

/** 1 − normalized edit distance; 1 for equal strings. */
export function stringSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - distance(a, b) / longest;
}

/** A token counts as found when it is at least this similar to one on the other side. */
const TOKEN_MATCH = 0.6;

function tokenScore(a: string, b: string): number {
  const s = stringSimilarity(a, b);
  // Short tokens ('ky', 'tu', 'o') are only trusted when exact: one wrong letter is half the token.
  if (Math.min(a.length, b.length) <= 2) return s === 1 ? 1 : 0;
  return s >= TOKEN_MATCH ? s : 0;
}

/**
 * Soft token overlap: each token of `target` takes its best match among `seen`, each `seen` token
 * used once (greedy, in order of best score). Returns recall (share of target covered, weighted by
 * length) and precision (share of seen covered).
 */
export function tokenOverlap(seen: string[], target: string[]): { recall: number; precision: number } {
  if (!seen.length || !target.length) return { recall: 0, precision: 0 };
  const pairs: Array<{ i: number; j: number; s: number }> = [];
  for (let i = 0; i < target.length; i++) {
    for (let j = 0; j < seen.length; j++) {
      const s = tokenScore(target[i], seen[j]);
      if (s > 0) pairs.push({ i, j, s });
    }
  }
  pairs.sort((p, q) => q.s - p.s || Math.abs(p.i - p.j) - Math.abs(q.i - q.j));
  const usedTarget = new Set<number>();
  const usedSeen = new Set<number>();
  let covered = 0;
  let coveredSeen = 0;
  for (const p of pairs) {
    if (usedTarget.has(p.i) || usedSeen.has(p.j)) continue;
    usedTarget.add(p.i);
    usedSeen.add(p.j);
    covered += p.s * target[p.i].length;
    coveredSeen += p.s * seen[p.j].length;
  }
  const targetLength = target.reduce((n, t) => n + t.length, 0);
  const seenLength = seen.reduce((n, t) => n + t.length, 0);
  return { recall: covered / targetLength, precision: coveredSeen / seenLength };
}

/**
 * How well a line read on the page stands for a name (both folded): mostly "is all of the name
 * there" (titles often say more than the catalog name), partly "is the line only that" (so that
 * 'giấy phép xây dựng' does not win on 'đơn đề nghị cấp giấy phép xây dựng'). The spaceless
 * comparison catches words broken ('kh ai') or run together ('khaisinh').
 */
export function titleSimilarity(line: string, name: string): number {
  const seen = line.split(' ').filter(Boolean);
  const target = name.split(' ').filter(Boolean);
  const { recall, precision } = tokenOverlap(seen, target);
  const byTokens = 0.6 * recall + 0.4 * precision;
  const compact = stringSimilarity(seen.join(''), target.join(''));
  return Math.max(byTokens, compact);
}
