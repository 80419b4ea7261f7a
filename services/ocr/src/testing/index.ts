/** @sohoa/ocr/testing: fixtures for tests and benchmarks (rendered pages, the accuracy measure), never for production code. */
export * from './accuracy.ts';
export * from './render.ts';
