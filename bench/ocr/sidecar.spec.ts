import { describe, expect, it } from 'vitest';
import { SidecarMismatch, sidecarPages } from './sidecar.ts';

describe("OCRmyPDF's sidecar, page by page", () => {
  it('gives one segment per page, a page read as nothing kept as an empty segment', () => {
    expect(sidecarPages('một\n\f\fba\n', 3)).toEqual(['một\n', '', 'ba\n']);
  });

  it('fails loudly on a short sidecar instead of counting the missing pages as errors', () => {
    // OCRmyPDF writes a run of skipped pages as one segment: 3 pages, 2 segments.
    expect(() => sidecarPages('một\f[OCR skipped on page(s) 2-3]', 3)).toThrow(SidecarMismatch);
    expect(() => sidecarPages('một\f[OCR skipped on page(s) 2-3]', 3)).toThrow(/2 form-feed separated segments for 3 pages/);
  });

  it('fails on a segment too many (a trailing form feed)', () => {
    expect(() => sidecarPages('một\fhai\f', 2)).toThrow(/3 form-feed separated segments for 2 pages/);
  });

  it('fails on a skipped page even when the count matches', () => {
    expect(() => sidecarPages('một\f[OCR skipped on page(s) 2]', 2)).toThrow(/skipped OCR on page\(s\) 2/);
  });
});
