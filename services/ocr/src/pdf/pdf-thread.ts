import type { ProcessedPage } from '../ocr.service.ts';
import { buildSearchablePdf, type PdfMetadata } from './searchable-pdf.ts';

/** What a PDF thread runs (services/ocr/src/pdf/pdf-pool.ts sends the tasks). */
export interface PdfTask {
  pages: ProcessedPage[];
  metadata: PdfMetadata;
}

export default function run(task: PdfTask): Promise<Uint8Array> {
  // Structured clone hands the JPEGs over as Uint8Arrays, which pdf-lib takes as they are.
  return buildSearchablePdf(task.pages, task.metadata);
}
