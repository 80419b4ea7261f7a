import { defineConfig } from 'vitest/config';

const exclude = ['node_modules/**', 'data/**'];

export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 180_000,
    projects: [
      // Specs test modules, not processes: two files at a time, each worker keeping one module graph instead of
      // importing sharp, pkijs, tesseract.js… afresh for each of ~120 files (259 → 114 s on this 2-core machine).
      { extends: true, test: { name: 'specs', include: ['**/*.spec.ts'], exclude, isolate: false, fileParallelism: true, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      // Each integration test starts its own stack (OCR, the embedded PostgreSQL: heavy on 2 cores) and may leave
      // process-wide state (env, metrics): one file at a time, each in a fresh process, after the specs.
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
