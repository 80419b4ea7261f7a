/**
 * Archival description: each unit is a fonds (phông), each closed dossier an archival file (hồ sơ), each record a
 * document (văn bản) of its file. The descriptions carry the fields of circular 05/2025 under the English names of
 * circular 02/2019 that existing Vietnamese archive systems read (the project brief's ../shared/domain.md beside the checkout, "Archival metadata"), so
 * the objects here are exported as they are. Fields 05/2025 added and 02/2019 has no name for get a name in the
 * same style (Reliability, PaperFileCode, BackupRegime, BackupState, State, FileTotal).
 *
 * Pure: sohoa fills ("derives") each description from the dossier, the matched component and the fields read off
 * the papers; an archivist's edits are kept apart and win over what is derived (`effective`), so a document
 * joining the file later refreshes the counts without undoing anyone's correction.
 */
import { vietnamDay, type RecordMetadata, type Retention } from '@sohoa/shared';

export interface FileDescription {
  FileCode: string;
  /** Mục lục số: the inventory the file is listed in; one per year the files closed. */
  FileCatalog: number;
  /** Số và ký hiệu hồ sơ. */
  FileNotation: string;
  Title: string;
  /** Thời hạn bảo quản: "Vĩnh viễn" or "20 năm". */
  Maintenance: string;
  /** Chế độ sử dụng. */
  Rights: string;
  Language: string;
  StartDate: string;
  EndDate: string;
  KeyWord: string;
  TotalDoc: number;
  SheetNumber: number;
  PageNumber: number;
  /** Tình trạng vật lý (physical state). */
  Format: string;
  InforSign: string | null;
  /** Mức độ tin cậy. */
  Reliability: string;
  /** Mã hồ sơ giấy gốc: the code of the paper original. */
  PaperFileCode: string | null;
  BackupRegime: string | null;
  BackupState: string | null;
  Description: string | null;
}

export interface DocumentDescription {
  DocCode: string | null;
  DocOrdinal: number | null;
  /** Tên loại văn bản. */
  TypeName: string;
  /** Số văn bản. */
  CodeNumber: string | null;
  /** Ký hiệu văn bản. */
  CodeNotation: string | null;
  IssuedDate: string | null;
  /** Cơ quan ban hành. */
  OrganName: string | null;
  /** Trích yếu nội dung. */
  Subject: string;
  Language: string;
  PageAmount: number;
  Description: string | null;
  InforSign: string | null;
  KeyWord: string;
  /** Chế độ sử dụng. */
  Mode: string;
  ConfidenceLevel: string;
  /** Bút tích. */
  Autograph: string | null;
  Format: string;
}

export interface FondsDescription {
  Identifier: string;
  OrganId: string;
  FondName: string;
  FondHistory: string | null;
  /** The years the fonds' files span, "2025-2026". */
  ArchivesTime: string | null;
  PaperTotal: number;
  PaperDigital: number;
  KeyGroups: string;
  OtherTypes: string | null;
  Language: string;
  LookupTools: string;
  CopyNumber: number | null;
  Description: string | null;
  /** 05/2025: open (files still join) or closed. */
  State: 'open' | 'closed';
  FileTotal: number;
}

/** Fields an archivist may correct: the codes, counts of documents and pages follow from the documents themselves. */
export const editableFileFields = [
  'FileCatalog', 'FileNotation', 'Title', 'Maintenance', 'Rights', 'Language', 'StartDate', 'EndDate', 'KeyWord', 'SheetNumber',
  'Format', 'InforSign', 'Reliability', 'PaperFileCode', 'BackupRegime', 'BackupState', 'Description',
] as const satisfies readonly (keyof FileDescription)[];
export const editableDocumentFields = [
  'TypeName', 'CodeNumber', 'CodeNotation', 'IssuedDate', 'OrganName', 'Subject', 'Language', 'Description', 'InforSign', 'KeyWord',
  'Mode', 'ConfidenceLevel', 'Autograph', 'Format',
] as const satisfies readonly (keyof DocumentDescription)[];
export type FileEdit = Partial<Pick<FileDescription, (typeof editableFileFields)[number]>>;
export type DocumentEdit = Partial<Pick<DocumentDescription, (typeof editableDocumentFields)[number]>>;

/** Dossiers at the counter hold personal data: use is restricted until an archivist opens it. */
const RESTRICTED = 'Hạn chế';
const NORMAL_STATE = 'Bình thường';
const DIGITIZED_COPY = 'Bản số hóa';

export function maintenanceText(retention: Retention): string {
  return retention === 'permanent' ? 'Vĩnh viễn' : `${retention.years} năm`;
}

/** A file is kept as long as its longest-kept document: permanent when any of them is. */
export function longestRetention(retentions: readonly Retention[]): Retention {
  if (retentions.length === 0 || retentions.some((r) => r === 'permanent')) return 'permanent';
  return { years: Math.max(...retentions.map((r) => (r as { years: number }).years)) };
}

/**
 * "12/2025/QĐ-UBND" → number 12, notation "QĐ-UBND"; "9143/GCS" → 9143, "GCS". The year is part of how a
 * legal document is numbered (decree 30/2020), not of its notation.
 */
export function splitDocumentNumber(documentNumber: string | null | undefined): { CodeNumber: string | null; CodeNotation: string | null } {
  const parts = (documentNumber ?? '').split('/').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return { CodeNumber: null, CodeNotation: null };
  const notation = parts.slice(1).filter((p) => !/^(19|20)\d\d$/.test(p));
  return { CodeNumber: parts[0]!, CodeNotation: notation.length ? notation.join('/') : null };
}

/**
 * The date a paper was issued, from the dates read off it: the latest one not after the day it was digitized.
 * Earlier dates on a form are births, leases or earlier decisions; the issue date stands next to the signature.
 */
export function issuedDate(dates: readonly string[] | undefined, digitizedDay: string): string | null {
  const candidates = (dates ?? []).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d <= digitizedDay).sort();
  return candidates.at(-1) ?? null;
}

/**
 * Sheets of paper (tờ) behind the pages: where blank back sides were dropped the paper went through a duplex
 * scanner, so every two sides make a sheet; otherwise each page is a sheet of its own.
 */
export function sheetCount(pages: number, blankBackSidesDropped: number): number {
  return blankBackSidesDropped > 0 ? Math.ceil((pages + blankBackSidesDropped) / 2) : pages;
}

const joinKeywords = (words: readonly (string | null | undefined)[]): string =>
  [...new Set(words.filter((w): w is string => Boolean(w && w.trim())).map((w) => w.trim()))].join('; ');

const lowerFirst = (s: string) => (s ? s[0]!.toLocaleLowerCase('vi') + s.slice(1) : s);

function ownerName(fields: Record<string, unknown>): string | null {
  const name = fields.fullName ?? (Array.isArray(fields.names) ? fields.names[0] : null);
  return typeof name === 'string' && name ? name : null;
}

export interface DocumentSource {
  metadata: RecordMetadata;
  /** The matched component's kind in the catalog: a result is issued by the unit itself. */
  componentKind: 'component' | 'result' | null;
  /** Its place in the file, or null for a record not filed yet. */
  ordinal: number | null;
  fileCode: string | null;
}

export function deriveDocumentDescription(s: DocumentSource): DocumentDescription {
  const m = s.metadata;
  const name = ownerName(m.fields);
  return {
    DocCode: s.fileCode && s.ordinal !== null ? `${s.fileCode}.${String(s.ordinal).padStart(3, '0')}` : null,
    DocOrdinal: s.ordinal,
    TypeName: m.componentName ?? m.title,
    ...splitDocumentNumber(m.documentNumber),
    IssuedDate: issuedDate(m.fields.dates as string[] | undefined, vietnamDay(new Date(m.digitizedAt))),
    // A result is issued by the unit; what a citizen hands in was issued elsewhere, by a body OCR does not name.
    OrganName: s.componentKind === 'result' ? m.unitName : null,
    Subject: name ? `${m.title} - ${name}` : m.title,
    Language: m.language,
    PageAmount: m.pageCount,
    Description: null,
    InforSign: null,
    KeyWord: joinKeywords([m.componentName, name]),
    Mode: RESTRICTED,
    ConfidenceLevel: DIGITIZED_COPY,
    Autograph: null,
    Format: NORMAL_STATE,
  };
}

export interface FileSource {
  dossierCode: string;
  procedureName: string | null;
  receivedAt: Date;
  closedAt: Date;
  closedBecause: 'result-issued' | 'closed';
  documents: readonly { description: DocumentDescription; metadata: RecordMetadata }[];
}

/** The file's code: the dossier code already names the unit, the day it was received and its running number. */
export const fileCodeOf = (dossierCode: string) => dossierCode;

export function deriveFileDescription(s: FileSource): FileDescription {
  const docs = s.documents;
  const closedDay = vietnamDay(s.closedAt);
  const starts = [vietnamDay(s.receivedAt), ...docs.map((d) => d.description.IssuedDate).filter((d): d is string => d !== null)].sort();
  const name = docs.map((d) => ownerName(d.metadata.fields)).find((n) => n !== null) ?? null;
  const subject = s.procedureName ? `Hồ sơ ${lowerFirst(s.procedureName)}` : 'Hồ sơ';
  return {
    FileCode: fileCodeOf(s.dossierCode),
    FileCatalog: Number(closedDay.slice(0, 4)),
    FileNotation: s.dossierCode,
    Title: name ? `${subject} của ${name}` : subject,
    Maintenance: maintenanceText(longestRetention(docs.map((d) => d.metadata.retention))),
    Rights: RESTRICTED,
    Language: 'vi',
    StartDate: starts[0]! < closedDay ? starts[0]! : closedDay,
    EndDate: closedDay,
    KeyWord: joinKeywords([s.procedureName, name]),
    TotalDoc: docs.length,
    SheetNumber: docs.reduce((n, d) => n + sheetCount(d.metadata.pageCount, d.metadata.blankPagesDropped), 0),
    PageNumber: docs.reduce((n, d) => n + d.metadata.pageCount, 0),
    Format: NORMAL_STATE,
    InforSign: null,
    Reliability: DIGITIZED_COPY,
    // The paper dossier the counter keeps carries the same code (its receipt's QR code).
    PaperFileCode: s.dossierCode,
    BackupRegime: null,
    BackupState: null,
    Description: s.closedBecause === 'result-issued' ? 'Đóng khi trả kết quả giải quyết thủ tục hành chính' : 'Đóng theo quyết định của người có thẩm quyền',
  };
}

export function deriveFondsDescription(s: { unitCode: string; unitName: string; files: readonly FileDescription[] }): FondsDescription {
  const years = s.files.flatMap((f) => [f.StartDate.slice(0, 4), f.EndDate.slice(0, 4)]).sort();
  const documents = s.files.reduce((n, f) => n + f.TotalDoc, 0);
  return {
    Identifier: s.unitCode,
    OrganId: s.unitCode,
    FondName: s.unitName,
    FondHistory: null,
    ArchivesTime: years.length ? (years[0] === years.at(-1) ? years[0]! : `${years[0]}-${years.at(-1)}`) : null,
    PaperTotal: documents,
    // Every paper sohoa holds came through its scanners.
    PaperDigital: documents,
    KeyGroups: 'Hồ sơ giải quyết thủ tục hành chính',
    OtherTypes: null,
    Language: 'vi',
    LookupTools: 'Mục lục hồ sơ',
    CopyNumber: null,
    Description: null,
    State: 'open',
    FileTotal: s.files.length,
  };
}

/** The description as it stands: sohoa's derived values with the archivist's edits over them. */
export function effective<T extends object>(derived: T, edited: NoInfer<Partial<T>>): T {
  return { ...derived, ...edited };
}

export interface FieldChange { field: string; old: unknown; new: unknown }

/** What an edit changes, field by field, against the description as it stands (unchanged fields are left out). */
export function changesOf<T extends object>(current: T, edit: Partial<T>): FieldChange[] {
  return Object.entries(edit)
    .filter(([field, value]) => value !== undefined && JSON.stringify(current[field as keyof T] ?? null) !== JSON.stringify(value))
    .map(([field, value]) => ({ field, old: current[field as keyof T] ?? null, new: value }));
}
