#!/usr/bin/env node
// The workspaces ship TypeScript source, with no build step. The long-running commands (start, worker) run bundled
// into one plain-JavaScript file (shared/src/source-bundle.mjs): tsx's loader thread and transforms would cost their
// main thread ~40 MB resident for as long as they run. Bundling takes ~2 s, so the short commands load the source
// through tsx, whose transforms are cached; so do start and worker when bundling fails (or SOHOA_MAIN_BUNDLE=0).
import { bundleSource } from '@sohoa/shared/source-bundle';

const cli = new URL('../src/cli.ts', import.meta.url);
const longRunning = ['start', 'worker'].includes(process.argv[2] ?? '');
const bundle = longRunning && process.env.SOHOA_MAIN_BUNDLE !== '0' ? await bundleSource(cli) : null;
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(cli.href);
}
