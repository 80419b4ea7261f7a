/** @sohoa/samples: counter-scan samples with ground truth, for other services' tests. */
export { generatePage, multiPageText, pageSpec, randomPageSpec, writeRandomPages, CLEAN } from './generate.ts';
export type { GeneratedPage, PageSpec, PageTruth } from './generate.ts';
export { SAMPLE_FILES, writeSampleSet } from './sample-set.ts';
export { benchPageSpec, writeBenchCorpus, BENCH_PAGES, BENCH_SEED, type BenchCorpus } from './bench-corpus.ts';
export { COMPONENTS, documentFor, MOTTO, MOTTO_SUB } from './documents.ts';
export type { DocumentContent, SampleComponent } from './documents.ts';
export { CATALOG_COMPONENTS, CATALOG_RESULTS, RECEIPT_TITLE, catalogDocumentFor, receiptDocument } from './documents-catalog.ts';
export type { CatalogCode, CatalogDocument, ReceiptInfo } from './documents-catalog.ts';
export {
  generateBlankPage, generateDocumentPages, generateReceiptPage, generateSeparatorPage, qrPayloadText, qrPng, renderDocumentPages,
} from './dossier-pages.ts';
export type { DossierPage, PageLook, QrPayload } from './dossier-pages.ts';
export * as degrade from './degrade.ts';
export { toImagePdf, toJpeg, toMultiPageTiff, toPng } from './formats.ts';
export { joinTiffPages } from './tiff-pages.ts';
export { createRng } from './prng.ts';
export {
  breakTitle, laidOutLines, ocrSlips, variantCorpus, variantDocument, VARIANT_CODES, VARIANT_SEEDS,
  type TruthLine, type VariantDocument, type VariantPart, type VariantTrait,
} from './variants.ts';
export { a4Geometry } from './render.ts';

import { fileURLToPath } from 'node:url';
/** Directory of the committed sample scans (samples/scans). */
export const SCANS_DIR = fileURLToPath(new URL('../scans/', import.meta.url));
/** The sample procedure catalog: the project brief's ../shared/catalog.sample.json (beside the checkout) plus aliases and form numbers. */
export const CATALOG_PATH = fileURLToPath(new URL('../catalog.json', import.meta.url));
