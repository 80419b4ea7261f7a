import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The server's source as one plain-JavaScript bundle, made by shared/src/thread-bundle.ts as every thread pool makes
 * its task's: tsx's loader thread and its transforms cost the main thread about 55 MB resident for the process's life.
 * That module is TypeScript itself, so esbuild first turns it (alone: it imports only Node's modules and esbuild) into
 * a module loaded from memory. Only with SOHOA_MAIN_BUNDLE=1: measured (bench/results/pipeline.md, "Memory: what each
 * option did") the server's peak fell by about 130 MB but its CPU for the same pages rose 2.7 times, not yet explained.
 * Null otherwise, or when anything fails: the caller loads the source through tsx.
 */
export async function mainBundle(entry) {
  if (process.env.SOHOA_MAIN_BUNDLE !== '1') return null;
  try {
    const bundler = new URL('../shared/src/thread-bundle.ts', import.meta.url);
    const esbuildPath = createRequire(bundler).resolve('esbuild');
    const esbuild = await import(pathToFileURL(esbuildPath).href);
    const built = await esbuild.build({
      entryPoints: [bundler.pathname],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'esbuild-by-path',
          setup(build) {
            build.onResolve({ filter: /^esbuild$/ }, () => ({ path: pathToFileURL(esbuildPath).href, external: true }));
          },
        },
      ],
    });
    const source = `data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString('base64')}`;
    const { bundleThreadTask, bundleFailures } = await import(source);
    const bundle = await bundleThreadTask(entry);
    if (!bundle) process.emitWarning(`sohoa runs through tsx: ${bundleFailures.join('; ')}`);
    return bundle;
  } catch (error) {
    process.emitWarning(`sohoa runs through tsx: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
