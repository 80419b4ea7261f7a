/** Every failure of this service that a caller should see as "this page could not be OCRed". */
export class OcrError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OcrError';
  }
}
