/**
 * The kind of a paper, read from its text, and the kind of paper each catalog entry stands for. An application
 * or declaration (đơn, tờ khai, giấy đề nghị, phiếu yêu cầu) asks for a result; it is never that result, even
 * when its title names it in full ("ĐƠN XIN CẤP GIẤY PHÉP XÂY DỰNG" is not the "GIẤY PHÉP XÂY DỰNG"). A drawing
 * is known by its layout and scale, a certified copy by its certification stamp, and in a certification
 * dossier the paper that is none of the procedure's forms is the original brought to be copied.
 */
import { foldVietnamese } from './fold.ts';
import { isMottoLine, TITLE_ZONE, upperRatio, type PageLine } from './page-lines.ts';
import type { ComponentCandidate } from './types.ts';

export type PaperKind = 'application' | 'issued' | 'contract' | 'drawing' | 'certified-copy' | 'other';
/** What a catalog entry stands for: the paper kinds, plus the original brought for a certified copy. */
export type CandidateRole = Exclude<PaperKind, never> | 'original';

/** Titles that ask for something, folded, longest first (so 'don de nghi' wins over 'don'). */
const APPLICATION_HEADS = [
  'van ban de nghi', 'giay de nghi', 'phieu de nghi', 'phieu yeu cau', 'to khai', 'ban khai', 'don de nghi', 'don xin', 'don dang ky', 'don',
];
/** Titles of papers an office issues: certificates, permits, extracts, decisions, diplomas. */
const ISSUED_HEADS = [
  'giay phep', 'giay chung nhan', 'giay chung sinh', 'giay khai sinh', 'giay bao tu', 'giay xac nhan', 'xac nhan', 'trich luc', 'quyet dinh',
  'bang tot nghiep', 'bang cu nhan', 'hoc ba', 'chung chi', 'so ho khau',
];
const CONTRACT_HEADS = ['hop dong'];
/** The certification stamp of a certified copy (Decree 23/2015), as it is printed or stamped. */
const STAMPS = ['chung thuc ban sao dung voi ban chinh', 'sao y ban chinh'];
/** A drawing's scale: 'Tỷ lệ 1:100', 'TL 1/50', 'Tỉ lệ: 1/200'. */
const SCALE = /(?:^| )(?:t[yi] le|tl) 1 (?:\d{2,3})(?: |$)/;

function startsWithHead(folded: string, heads: string[]): string | null {
  for (const h of heads) if (folded === h || folded.startsWith(`${h} `)) return h;
  return null;
}

/** The kind a title names by its first words, or null. */
export function titleKind(folded: string): PaperKind | null {
  // 'Đơn vị' (a unit, as in "ĐƠN VỊ THIẾT KẾ") is no application.
  if (startsWithHead(folded, APPLICATION_HEADS) && !/^don vi( |$)/.test(folded)) return 'application';
  if (startsWithHead(folded, CONTRACT_HEADS)) return 'contract';
  if (startsWithHead(folded, ISSUED_HEADS)) return 'issued';
  return null;
}

/** What an application asks for: its title without the application words ('đơn xin cấp giấy phép …' → 'cấp giấy phép …'). */
export function subjectOf(folded: string): string {
  const head = startsWithHead(folded, APPLICATION_HEADS);
  return head ? folded.slice(head.length).trim() : folded;
}

/** What a catalog entry stands for, from its name (and kind): the matcher compares papers of the same kind. */
export function candidateRole(candidate: Pick<ComponentCandidate, 'name' | 'kind'>): CandidateRole {
  const name = foldVietnamese(candidate.name);
  if (name.startsWith('ban chinh')) return 'original';
  if (name.startsWith('ban sao')) return 'certified-copy';
  if (name.startsWith('ban ve')) return 'drawing';
  const kind = titleKind(name);
  if (kind === 'application') return 'application';
  if (candidate.kind === 'result') return 'issued';
  return kind ?? 'other';
}

/** A drawing: a scale, and little text besides (dimensions, room names). */
export function looksLikeDrawing(pageTexts: string[]): boolean {
  const folded = pageTexts.map(foldVietnamese);
  const words = folded.reduce((n, t) => n + (t ? t.split(' ').length : 0), 0) / Math.max(1, folded.length);
  return folded.some((t) => SCALE.test(t)) && words < 90;
}

export function hasCertificationStamp(foldedText: string): boolean {
  return STAMPS.some((s) => foldedText.includes(s));
}

export interface DocumentKind {
  kind: PaperKind;
  /** The title line the kind was read from, when it was read from a title. */
  line: string | null;
}

/**
 * The paper's kind: from the first upper-case line at the top of its first page that opens with a kind's words
 * (issuing bodies, form numbers and the motto open with none); a drawing by its scale; a certified copy by its stamp.
 */
export function documentKind(lines: PageLine[], pageTexts: string[]): DocumentKind {
  const foldedText = foldVietnamese(pageTexts.join('\n'));
  let titled: DocumentKind | null = null;
  // A title's note in parentheses is printed in lower case ('… XÂY DỰNG (Sử dụng cho nhà ở riêng lẻ)'): the title is what precedes it.
  const top = lines.filter((l) => l.top < TITLE_ZONE && upperRatio(l.text.split('(')[0]) >= 0.6 && !isMottoLine(l));
  // A title broken over two or three lines ('PHIẾU YÊU' / 'CẦU CHỨNG THỰC') is read joined.
  for (let i = 0; i < top.length && !titled; i++) {
    let joined = '';
    for (let k = i; k < Math.min(top.length, i + 3); k++) {
      if (k > i && top[k].index !== top[k - 1].index + 1) break;
      joined = joined ? `${joined} ${top[k].folded}` : top[k].folded;
      const kind = titleKind(joined);
      if (kind) {
        titled = { kind, line: joined };
        break;
      }
    }
  }
  if (titled?.kind === 'application') return titled;
  if (hasCertificationStamp(foldedText)) return { kind: 'certified-copy', line: titled?.line ?? null };
  if (looksLikeDrawing(pageTexts)) return { kind: 'drawing', line: null };
  return titled ?? { kind: 'other', line: null };
}

/**
 * How far a paper of one kind may be taken for a catalog entry of a role: 1 = freely, lower = only on much
 * stronger other evidence. An application against anything but an application is near zero: that mistake
 * (the application filed as the permit it asks for) is the one that must not happen automatically.
 */
export function kindCompatibility(kind: PaperKind, role: CandidateRole): number {
  switch (kind) {
    case 'application':
      return role === 'application' ? 1 : role === 'other' || role === 'contract' ? 0.4 : 0.15;
    case 'issued':
      return role === 'application' || role === 'drawing' ? 0.3 : role === 'certified-copy' ? 0.5 : 1;
    case 'contract':
      return role === 'application' || role === 'drawing' ? 0.3 : 1;
    case 'drawing':
      return role === 'drawing' ? 1 : 0.3;
    case 'certified-copy':
      return role === 'certified-copy' ? 1 : role === 'original' ? 0.3 : 0.5;
    case 'other':
      return role === 'application' ? 0.5 : 1;
  }
}

/** Whether a form number printed on the paper ("Mẫu số 01 - Phụ lục II (Ban hành kèm theo …)") is the catalog's one. */
export function formNumberFound(lines: PageLine[], formNumber: string): boolean {
  const want = foldVietnamese(formNumber);
  if (!want) return false;
  return lines.some((l) => l.top < TITLE_ZONE && ` ${l.folded} `.includes(` ${want} `));
}
