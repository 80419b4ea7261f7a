/**
 * What a receipt's or separator's code carries, and how it is written.
 *
 * sohoa's QR payload is one JSON object (UTF-8), the fields decree 61/2018 asks a receipt's QR to carry:
 *   {"ma_ho_so": "000.00.00.H00-251121-0007", "ma_tthc": "KS", "ma_dinh_danh": "079123456789",
 *    "ten_giay_to": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "he_thong": "sohoa", "thoi_gian": "2025-11-21T09:30:00+07:00"}
 * Other systems' codes are read too: a bare dossier code (1-D barcodes, plain QR), a key=value list
 * (`ma_ho_so=…;ma_tthc=…`, separators ; & | or new lines) and a URL whose query carries those keys.
 */
import { CONTROL_CHARACTERS, isCatalogCode, isDossierCode } from '@sohoa/shared';
import type { DossierCodeInfo } from './types.ts';

const DOSSIER_CODE_IN_TEXT = /[0-9A-Z]+(?:\.[0-9A-Z]+)*-\d{6}-\d{4}(?!\d)/g;
/** A citizen's 12-digit number or an organization's code: letters, digits, '.', '-'. */
const OWNER_IDENTIFIER = /^[0-9A-Za-z][0-9A-Za-z.-]{0,31}$/;
/** A QR code holds at most ~3 KB; a document name longer than this is not one. */
const MAX_DOCUMENT_NAME = 300;

const KEYS = {
  dossierCode: ['ma_ho_so', 'mahoso', 'dossier_code', 'dossiercode', 'dossier', 'mhs', 'ma_hs'],
  procedureCode: ['ma_tthc', 'matthc', 'procedure_code', 'procedurecode', 'procedure', 'tthc', 'ma_thu_tuc'],
  ownerIdentifier: ['ma_dinh_danh', 'madinhdanh', 'owner_identifier', 'owneridentifier', 'owner', 'cccd', 'so_dinh_danh'],
  documentName: ['ten_giay_to', 'tengiayto', 'document_name', 'documentname', 'ten_tai_lieu'],
} as const;

export interface DossierQrPayload {
  ma_ho_so: string;
  ma_tthc?: string;
  ma_dinh_danh?: string;
  ten_giay_to?: string;
  he_thong?: string;
  thoi_gian?: string;
}

/** The payload sohoa prints in a receipt's QR code. */
export function formatDossierQr(payload: DossierQrPayload): string {
  return JSON.stringify(payload);
}

function normalizeKey(key: string): string {
  return key.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function fromRecord(record: Record<string, unknown>, raw: string): DossierCodeInfo | null {
  const values = new Map<string, string>();
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === 'string' || typeof v === 'number') values.set(normalizeKey(k), String(v).trim());
  }
  const pick = (names: readonly string[]): string | undefined => {
    for (const n of names) {
      const v = values.get(n) ?? values.get(n.replace(/_/g, ''));
      if (v) return v;
    }
    return undefined;
  };
  const dossierCode = pick(KEYS.dossierCode)?.toUpperCase();
  if (!dossierCode || !isDossierCode(dossierCode)) return null;
  const info: DossierCodeInfo = { dossierCode, raw };
  // Anyone can print a QR code: the other fields are taken only when they have their shape (the procedure is
  // then checked against the catalog where it is used), and dropped otherwise.
  const procedureCode = pick(KEYS.procedureCode);
  const ownerIdentifier = pick(KEYS.ownerIdentifier);
  const documentName = pick(KEYS.documentName);
  if (procedureCode && isCatalogCode(procedureCode)) info.procedureCode = procedureCode;
  if (ownerIdentifier && OWNER_IDENTIFIER.test(ownerIdentifier)) info.ownerIdentifier = ownerIdentifier;
  if (documentName && documentName.length <= MAX_DOCUMENT_NAME && !CONTROL_CHARACTERS.test(documentName)) info.documentName = documentName.normalize('NFC');
  return info;
}

function keyValues(text: string): Record<string, string> | null {
  const query = /^[a-z]+:\/\//i.test(text) ? text.slice(text.indexOf('?') + 1) : text;
  const record: Record<string, string> = {};
  for (const part of query.split(/[;&|\n\r]+/)) {
    const m = /^\s*([^=:]+?)\s*[=:]\s*(.*?)\s*$/.exec(part);
    if (!m) continue;
    let value = m[2];
    try {
      value = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      // not URL-encoded: keep as read
    }
    record[m[1]] = value;
  }
  return Object.keys(record).length ? record : null;
}

/** QR/barcode payload → dossier info, or null when it carries no valid dossier code. */
export function parseDossierCode(payload: string): DossierCodeInfo | null {
  const raw = payload;
  const text = payload.replace(/^\uFEFF/, '').trim();
  if (!text) return null;
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return fromRecord(parsed as Record<string, unknown>, raw);
    } catch {
      // not JSON after all: try the other shapes
    }
  }
  const bare = text.toUpperCase();
  if (isDossierCode(bare)) return { dossierCode: bare, raw };
  const record = keyValues(text);
  if (record) {
    const info = fromRecord(record, raw);
    if (info) return info;
  }
  return null;
}

/** A dossier code printed in a page's text (a receipt whose QR could not be read). */
export function findDossierCodeInText(text: string): string | null {
  // OCR may put spaces around the hyphens.
  const compact = text.toUpperCase().replace(/\s*-\s*/g, '-');
  for (const m of compact.matchAll(DOSSIER_CODE_IN_TEXT)) if (isDossierCode(m[0])) return m[0];
  return null;
}
