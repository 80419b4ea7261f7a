/** @sohoa/ocr: scanned page → cleaned archival image + text; pages → searchable PDF. */
export { createOcrEngine, type OcrEngine, type OcrEngineOptions, type ProcessedPage } from './ocr.service.ts';
export type { OcrWord, WordBox } from './text/layout.ts';
export { buildSearchablePdf, type PdfMetadata } from './pdf/searchable-pdf.ts';
export { OcrError } from './errors.ts';
export { decodeCodes, type DecodedCode } from './codes/code-reader.ts';
export { DEFAULT_MAX_INPUT_PIXELS } from './cleanup/decode.ts';
// The pure clean-up steps, for reuse and inspection.
export { measureSkew, type SkewEstimate } from './cleanup/deskew.ts';
export { findPaperBox } from './cleanup/border.ts';
export { judgeBlank, inkMask } from './cleanup/blank.ts';
export { achromaticValue, normalizeBackground, binarize, recognitionImage } from './cleanup/binarize.ts';
export { decideOrientation, type Rotation } from './cleanup/orientation.ts';
export type { GreyImage, InkMask, CropBox } from './cleanup/raster.ts';
