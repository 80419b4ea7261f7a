/**
 * Which dossier component a document is: every candidate is scored on the document's OCR text and
 * the best one is returned with a confidence, the runner-up and the reasons.
 *
 *   title     how well a prominent line at the top of the first page reads as the candidate's name
 *             (fuzzy, on folded text, so OCR accent slips and broken words cost little)
 *   learned   phrases clerks' confirmations attached to the candidate (usually the title line of
 *             papers whose title is not the catalog name: the original paper of a certified copy)
 *   keywords  the candidate name's distinctive word pairs found anywhere in the document (secondary)
 *
 * evidence = 0.8 · (1 − (1 − title)(1 − learned)) + 0.2 · keywords, and the confidence is the
 * evidence scaled down when the runner-up is close, so that one number decides review.
 */
import { foldVietnamese } from './fold.ts';
import { fullTitle, mostProminentTitle, pageLines, titleCandidates, type PageLine } from './page-lines.ts';
import { titleSimilarity } from './similarity.ts';
import type { ComponentCandidate, LearnedPhrase, MatchResult, PageText } from './types.ts';

/** Below this confidence a document goes to the clerk's review list. */
export const REVIEW_THRESHOLD = 0.62;
/** Closer than this (in evidence) to the runner-up is ambiguous whatever the confidence. */
export const AMBIGUOUS_MARGIN = 0.04;
/** The margin at which the runner-up no longer lowers the confidence. */
const CLEAR_MARGIN = 0.15;
/** A learned phrase speaks for a document when it is at least this similar to a title line. */
const LEARNED_MATCH = 0.78;

export const RECEIPT_TITLE = 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ';
const RECEIPT_FOLDED = foldVietnamese(RECEIPT_TITLE);

interface TitleLine {
  text: string;
  folded: string;
  prominence: number;
}

interface Scored {
  candidate: ComponentCandidate;
  title: number;
  titleLine: TitleLine | null;
  learned: number;
  learnedPhrase: LearnedPhrase | null;
  learnedWeight: number;
  keywords: number;
  keywordsFound: string[];
  evidence: number;
}

const fmt = (n: number): string => n.toFixed(2);

/** Similarity of a title line, discounted a little when the line does not look like a title. */
function titleScore(lines: TitleLine[], name: string): { score: number; line: TitleLine | null } {
  let best = { score: 0, line: null as TitleLine | null };
  for (const line of lines) {
    const score = titleSimilarity(line.folded, name) * (0.85 + 0.15 * line.prominence);
    if (score > best.score) best = { score, line };
  }
  return best;
}

function bigrams(folded: string): string[] {
  const t = folded.split(' ').filter(Boolean);
  return t.slice(0, -1).map((w, i) => `${w} ${t[i + 1]}`);
}

/** Word pairs of each name, weighted by how few candidates share them (IDF). */
function keywordWeights(candidates: ComponentCandidate[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const c of candidates) for (const b of new Set(bigrams(foldVietnamese(c.name)))) df.set(b, (df.get(b) ?? 0) + 1);
  const weights = new Map<string, number>();
  for (const [b, n] of df) weights.set(b, Math.log(1 + candidates.length / n));
  return weights;
}

function keywordScore(text: string, name: string, weights: Map<string, number>): { score: number; found: string[] } {
  const pairs = [...new Set(bigrams(foldVietnamese(name)))];
  if (!pairs.length) return { score: 0, found: [] };
  let total = 0;
  let hit = 0;
  const found: string[] = [];
  for (const p of pairs) {
    const w = weights.get(p) ?? 1;
    total += w;
    if (` ${text} `.includes(` ${p} `)) {
      hit += w;
      found.push(p);
    }
  }
  return { score: total ? hit / total : 0, found };
}

function titleLinesOf(pages: PageText[]): { lines: PageLine[]; titles: TitleLine[] } {
  const first = pages.find((p) => !p.blank) ?? pages[0];
  const lines = first ? pageLines(first) : [];
  return { lines, titles: titleCandidates(lines) };
}

export function matchDocument(pages: PageText[], candidates: ComponentCandidate[], learned: LearnedPhrase[] = []): MatchResult {
  const { lines, titles } = titleLinesOf(pages);
  const shownTitle = mostProminentTitle(lines);
  const text = foldVietnamese(pages.map((p) => p.text).join('\n'));

  const receipt = titleScore(titles, RECEIPT_FOLDED);
  if (receipt.score >= 0.8) {
    return {
      procedureCode: null, componentCode: null, confidence: receipt.score, runnerUp: null, needsReview: false,
      title: receipt.line?.text ?? null,
      explanation: [`title '${receipt.line?.text}' is a receipt (${RECEIPT_TITLE}, ${fmt(receipt.score)}), not a component`],
    };
  }
  if (!candidates.length) {
    return { procedureCode: null, componentCode: null, confidence: 0, runnerUp: null, needsReview: true, title: shownTitle?.text ?? null, explanation: ['no candidate components'] };
  }

  const weights = keywordWeights(candidates);
  // Learned phrases that speak for this document, per candidate.
  const inPlay = new Set(candidates.map((c) => `${c.procedureCode}\u0000${c.code}`));
  const speaking = learned
    .filter((p) => inPlay.has(`${p.procedureCode}\u0000${p.componentCode}`) && p.weight > 0 && p.phrase)
    // Both ways: a learned title must be the line, not merely inside it ('giấy chứng nhận' is in many titles).
    .map((p) => ({ phrase: p, sim: titles.reduce((best, t) => Math.max(best, Math.min(titleSimilarity(t.folded, p.phrase), titleSimilarity(p.phrase, t.folded))), 0) }))
    .filter((s) => s.sim >= LEARNED_MATCH);
  const totalWeight = speaking.reduce((n, s) => n + s.phrase.weight, 0);

  const scored: Scored[] = candidates.map((candidate) => {
    const name = foldVietnamese(candidate.name);
    const t = titleScore(titles, name);
    const mine = speaking.filter((s) => s.phrase.procedureCode === candidate.procedureCode && s.phrase.componentCode === candidate.code);
    const weight = mine.reduce((n, s) => n + s.phrase.weight, 0);
    const top = mine.reduce<(typeof mine)[number] | null>((best, s) => (!best || s.sim > best.sim ? s : best), null);
    // Trust grows with confirmations and shrinks when clerks taught the same phrase for other components.
    const learnedScore = top ? top.sim * (weight / (totalWeight + 0.25)) : 0;
    const k = keywordScore(text, name, weights);
    const combined = 1 - (1 - t.score) * (1 - learnedScore);
    return {
      candidate, title: t.score, titleLine: t.line, learned: learnedScore, learnedPhrase: top?.phrase ?? null, learnedWeight: weight,
      keywords: k.score, keywordsFound: k.found, evidence: 0.8 * combined + 0.2 * k.score,
    };
  });
  scored.sort((a, b) => b.evidence - a.evidence);
  const [best, second] = scored;
  const margin = second ? best.evidence - second.evidence : best.evidence;
  const confidence = Math.max(0, Math.min(1, best.evidence * Math.min(1, 0.5 + (0.5 * margin) / CLEAR_MARGIN)));
  const needsReview = confidence < REVIEW_THRESHOLD || margin < AMBIGUOUS_MARGIN;

  const explanation: string[] = [];
  if (best.titleLine && best.title >= 0.5) {
    explanation.push(`title '${best.titleLine.text}' matches '${best.candidate.name}' (${fmt(best.title)})`);
  } else {
    explanation.push(shownTitle ? `title '${shownTitle.text}' matches no component well (best '${best.candidate.name}', ${fmt(best.title)})` : 'no title line found at the top of the first page');
  }
  if (best.learnedPhrase) {
    explanation.push(`learned phrase '${best.learnedPhrase.phrase}' from ${best.learnedWeight} confirmation${best.learnedWeight === 1 ? '' : 's'} (${fmt(best.learned)})`);
  }
  if (best.keywordsFound.length) explanation.push(`keywords in the text: ${best.keywordsFound.map((k) => `'${k}'`).join(', ')} (${fmt(best.keywords)})`);
  if (second) explanation.push(`runner-up '${second.candidate.name}' (${second.candidate.code}), evidence ${fmt(second.evidence)} against ${fmt(best.evidence)}`);
  explanation.push(
    needsReview
      ? `sent to review: confidence ${fmt(confidence)}${margin < AMBIGUOUS_MARGIN ? ', too close to the runner-up' : ''} (threshold ${fmt(REVIEW_THRESHOLD)})`
      : `assigned: confidence ${fmt(confidence)} (threshold ${fmt(REVIEW_THRESHOLD)})`,
  );

  return {
    procedureCode: best.candidate.procedureCode,
    componentCode: best.candidate.code,
    confidence,
    runnerUp: second ? { procedureCode: second.candidate.procedureCode, componentCode: second.candidate.code, confidence: Math.max(0, Math.min(1, second.evidence)) } : null,
    needsReview,
    title: best.titleLine && best.title >= 0.5 ? best.titleLine.text : (shownTitle?.text ?? null),
    explanation,
  };
}

/**
 * What a clerk's confirmation or correction teaches: the document's title line, folded, one
 * confirmation's weight. The caller adds weights of equal phrases (one row per phrase and component).
 */
export function learnedPhrasesFrom(pages: PageText[], procedureCode: string, componentCode: string): LearnedPhrase[] {
  const { lines } = titleLinesOf(pages);
  const title = fullTitle(lines);
  if (!title || title.folded.replace(/[^a-z]/g, '').length < 4) return [];
  return [{ procedureCode, componentCode, phrase: title.folded, weight: 1 }];
}
