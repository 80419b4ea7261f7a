/** @sohoa/ocr: scanned page → cleaned archival image + text; pages → searchable PDF. */
export { createOcrEngine, type OcrEngine, type OcrEngineOptions, type ProcessedPage } from './ocr.service.ts';
export type { OcrWord, WordBox } from './text/layout.ts';
export { buildSearchablePdf, type PdfMetadata } from './pdf/searchable-pdf.ts';
export { OcrError } from './errors.ts';
export { decodeCodes, type DecodedCode } from './codes/code-reader.ts';
export type { Rotation } from './cleanup/orientation.ts';
