/**
 * Stable codes for the reasons the pipeline stores in words (English, with details such as page numbers): a
 * quarantined file's, a failed page's or document's. The API answers both, so a screen can say the reason in its
 * own language by code and fall back to the words for a code it does not know. The words are written by the
 * scan reader (services/ingest/src/scan-reader.ts), the batch service (services/ingest/src/batch.service.ts) and
 * the jobs that give up (OCR, build, signing, archiving); a new wording there is caught by src/http/reason-codes.spec.ts
 * only if it is added there too, otherwise it answers `null` and the words still reach the reader.
 */
const PATTERNS: readonly (readonly [code: string, pattern: RegExp])[] = [
  ['empty-file', /^empty file\b/],
  ['not-a-scan', /^not an image or PDF\b/],
  ['encrypted-pdf', /^encrypted PDF\b/],
  ['damaged-pdf', /^damaged PDF\b/],
  ['corrupt-file', /^corrupt /],
  ['page-without-size', /^page \d+ (?:of the PDF )?has no size/],
  ['page-too-large', /^page \d+ is \d+×\d+ px.*over the .* limit/],
  ['no-pages', /^the file has no pages\b/],
  ['too-many-pages', /^\d+ pages, over the limit of \d+ pages per file/],
  ['unknown-unit', /^unknown unit\b/],
  ['unknown-procedure', /^unknown procedure\b/],
  ['unknown-component', /has no component\b|^no procedure of the catalog has a component\b/],
  ['dossier-of-other-unit', /^dossier \S+ belongs to another unit/],
  ['no-catalog', /^no procedure catalog has been imported/],
  ['ocr-failed', /^OCR failed\b/],
  ['build-failed', /^the document could not be built\b/],
  ['signing-failed', /^signing failed\b|^signing refused\b/],
  ['archiving-failed', /^archiving (?:failed|refused)\b/],
];

/** Every code the API may answer (the web UI's catalogue says each: test/reason-codes.spec.ts). */
export const reasonCodes: readonly string[] = PATTERNS.map(([code]) => code);

/** The code of a stored reason, or null for words no code covers (shown as they are). */
export function reasonCode(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return PATTERNS.find(([, pattern]) => pattern.test(reason))?.[0] ?? null;
}
