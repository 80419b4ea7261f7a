#!/usr/bin/env node
// The workspaces ship TypeScript source, so there is no build step: tsx loads it. With SOHOA_MAIN_BUNDLE=1 the
// long-running commands run from a bundle of it instead (bin/main-bundle.js).
import { mainBundle } from './main-bundle.js';

const entry = new URL('../src/cli.ts', import.meta.url);
const longRunning = ['start', 'worker'].includes(process.argv[2] ?? '');
const bundle = longRunning ? await mainBundle(entry) : null;
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(entry.href);
}
