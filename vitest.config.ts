import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.spec.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    // OCR and the embedded PostgreSQL are heavy: the machine has 2 cores.
    fileParallelism: false,
  },
});
