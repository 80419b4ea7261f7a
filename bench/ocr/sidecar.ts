/**
 * OCRmyPDF's `--sidecar` text, split into pages. It writes one segment per page with a form feed
 * between pages, and "[OCR skipped on page(s) 3-5]" for pages it did not OCR (a run of them in one
 * segment). A sidecar that does not split into exactly one OCR'd segment per page cannot be lined up
 * with the truth: counting its missing pages as 100 % errors would blame the engine for a bench bug.
 */

export class SidecarMismatch extends Error {}

const SKIPPED = /^\s*\[OCR skipped on page\(s\) [\d-]+\]\s*$/;

export function sidecarPages(text: string, pageCount: number): string[] {
  const segments = text.split('\f');
  if (segments.length !== pageCount) {
    throw new SidecarMismatch(
      `OCRmyPDF's sidecar splits into ${segments.length} form-feed separated segments for ${pageCount} pages: the pages cannot be lined up with their truth`,
    );
  }
  const skipped = segments.flatMap((s, i) => (SKIPPED.test(s) ? [i + 1] : []));
  if (skipped.length) throw new SidecarMismatch(`OCRmyPDF skipped OCR on page(s) ${skipped.join(', ')}: its sidecar holds no reading of them`);
  return segments;
}
