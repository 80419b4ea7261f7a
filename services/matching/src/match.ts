/**
 * Which dossier component a document is: every candidate is scored on the document's OCR text and
 * the best one is returned with a confidence, the runner-up and the reasons.
 *
 *   title     how well a prominent line at the top of the first page reads as the candidate's name or one
 *             of its catalog aliases (fuzzy, on folded text, so OCR accent slips and broken words cost little);
 *             for an application, also what it asks for against what the candidate application asks for
 *   form      one of the candidate's catalog form numbers printed at the top ("Mẫu số 01 Phụ lục II")
 *   kind      the paper's kind (paper-kind.ts): the only candidate of that kind in play (the procedure's one
 *             application, drawing, certified copy) gains; candidates of another kind are scaled down, so an
 *             application never becomes the result it asks for; in one procedure's dossier with an "original"
 *             component (certification), a paper that is none of the other entries is that original
 *   learned   phrases clerks' confirmations attached to the candidate (the unit's own title variants)
 *   keywords  the candidate's distinctive word pairs found anywhere in the document (secondary)
 *
 * evidence = kind fit · (0.8 · (1 − (1 − title)(1 − learned)(1 − 0.9 form)(1 − 0.7 only-one-of-its-kind))
 * + 0.2 · keywords), and the confidence is the evidence scaled down when the runner-up is close, so that one
 * number decides review. The threshold is chosen on the tuning half of the variant corpus (bench/match).
 */
import { foldVietnamese } from './fold.ts';
import { fullTitle, mostProminentTitle, pageLines, titleCandidates, type PageLine } from './page-lines.ts';
import { candidateRole, documentKind, formNumberFound, kindCompatibility, subjectOf, titleKind, type CandidateRole } from './paper-kind.ts';
import { titleSimilarity } from './similarity.ts';
import type { ComponentCandidate, LearnedPhrase, MatchResult, PageText } from './types.ts';

/** Below this confidence a document goes to the clerk's review list (chosen on the tuning variants: bench/results/match.md). */
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
  role: CandidateRole;
  fit: number;
  form: string | null;
  onlyOfKind: boolean;
  evidence: number;
}

/** The original brought for copying, when nothing else fits: its evidence is what the others leave. */
const ORIGINAL_SHARE = 0.92;

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
const namesOf = (c: ComponentCandidate): string[] => [c.name, ...(c.aliases ?? [])].map(foldVietnamese).filter(Boolean);

function keywordWeights(candidates: ComponentCandidate[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const c of candidates) for (const b of new Set(namesOf(c).flatMap(bigrams))) df.set(b, (df.get(b) ?? 0) + 1);
  const weights = new Map<string, number>();
  for (const [b, n] of df) weights.set(b, Math.log(1 + candidates.length / n));
  return weights;
}

function keywordScore(text: string, names: string[], weights: Map<string, number>): { score: number; found: string[] } {
  const pairs = [...new Set(names.flatMap(bigrams))];
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

function firstPageTexts(pages: PageText[]): string[] {
  return pages.filter((p) => !p.blank).map((p) => p.text);
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

  const kind = documentKind(lines, firstPageTexts(pages));
  const roles = candidates.map((c) => candidateRole(c));
  const roleCount = new Map<CandidateRole, number>();
  for (const r of roles) roleCount.set(r, (roleCount.get(r) ?? 0) + 1);
  const oneProcedure = new Set(candidates.map((c) => c.procedureCode)).size === 1;
  // What an application asks for, from each title line that opens like one (wrapped titles included).
  const subjects = titles.filter((t) => titleKind(t.folded) === 'application').map((t) => ({ ...t, folded: subjectOf(t.folded) })).filter((t) => t.folded);

  const scored: Scored[] = candidates.map((candidate, i) => {
    const names = namesOf(candidate);
    const role = roles[i];
    let t = { score: 0, line: null as TitleLine | null };
    for (const name of names) {
      const s = titleScore(titles, name);
      if (s.score > t.score) t = s;
      if (role === 'application' && kind.kind === 'application' && subjects.length) {
        const subject = subjectOf(name);
        const bySubject = titleScore(subjects, subject);
        if (subject && bySubject.score * 0.95 > t.score) t = { score: bySubject.score * 0.95, line: bySubject.line };
      }
    }
    const form = (candidate.formNumbers ?? []).find((n) => formNumberFound(lines, n)) ?? null;
    const mine = speaking.filter((s) => s.phrase.procedureCode === candidate.procedureCode && s.phrase.componentCode === candidate.code);
    const weight = mine.reduce((n, s) => n + s.phrase.weight, 0);
    const top = mine.reduce<(typeof mine)[number] | null>((best, s) => (!best || s.sim > best.sim ? s : best), null);
    // Trust grows with confirmations and shrinks when clerks taught the same phrase for other components.
    const learnedScore = top ? top.sim * (weight / (totalWeight + 0.25)) : 0;
    const k = keywordScore(text, names, weights);
    const onlyOfKind = role === kind.kind && ['application', 'drawing', 'certified-copy', 'contract'].includes(role) && roleCount.get(role) === 1;
    // An application or contract also says what it is about: being the procedure's only one counts only when that
    // agrees (a birth declaration handed in with a building-permit dossier is not the permit application).
    const agreement = role === 'application' || role === 'contract' ? Math.min(1, Math.max(0, (t.score - 0.35) / 0.4)) : 1;
    // What clerks taught the unit outweighs the kind rule in proportion: their correction is the paper's truth.
    const fit = 1 - (1 - kindCompatibility(kind.kind, role)) * (1 - learnedScore);
    const combined = 1 - (1 - t.score) * (1 - learnedScore) * (1 - (form ? 0.9 : 0)) * (1 - (onlyOfKind ? 0.7 * agreement : 0));
    return {
      candidate, title: t.score, titleLine: t.line, learned: learnedScore, learnedPhrase: top?.phrase ?? null, learnedWeight: weight,
      keywords: k.score, keywordsFound: k.found, role, fit, form, onlyOfKind, evidence: fit * (0.8 * combined + 0.2 * k.score),
    };
  });
  // A certification dossier: the paper that is none of the procedure's other entries is the original brought to be copied.
  const original = scored.find((s) => s.role === 'original');
  if (original && oneProcedure && roleCount.get('original') === 1 && (kind.kind === 'issued' || kind.kind === 'other' || kind.kind === 'contract')) {
    const others = Math.max(0, ...scored.filter((s) => s !== original).map((s) => s.evidence));
    original.evidence = Math.max(original.evidence, ORIGINAL_SHARE * (1 - others));
  }
  scored.sort((a, b) => b.evidence - a.evidence);
  const [best, second] = scored;
  const margin = second ? best.evidence - second.evidence : best.evidence;
  const confidence = Math.max(0, Math.min(1, best.evidence * Math.min(1, 0.5 + (0.5 * margin) / CLEAR_MARGIN)));
  const needsReview = confidence < REVIEW_THRESHOLD || margin < AMBIGUOUS_MARGIN;

  const explanation: string[] = [`paper kind: ${kind.kind}${kind.line ? ` (title '${kind.line}')` : ''}`];
  if (best.role === 'original' && best.title < 0.5) explanation.push('none of the procedure\'s other papers: the original brought to be copied');
  if (best.onlyOfKind) explanation.push(`the procedure's only ${best.role} paper`);
  if (best.form) explanation.push(`form number '${best.form}' printed at the top`);
  if (best.fit < 1) explanation.push(`a ${kind.kind} paper is unlikely to be a ${best.role} entry (×${fmt(best.fit)})`);
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
    ambiguous: margin < AMBIGUOUS_MARGIN,
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
