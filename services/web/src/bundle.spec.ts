import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The built bundle (dist/): the first screen's JavaScript stays small, and pdf.js is not in it. pdf.js is a chunk of
 * its own, imported dynamically, with its worker a file of the bundle: fetched when a PDF is first shown.
 */
const HERE = new URL('..', import.meta.url).pathname;
const DIST = `${HERE}dist/`;
/** The README's "~59 KB of JavaScript gzipped" for the first screen (every screen but the PDF viewer is in it), with a little room. */
const FIRST_SCREEN_GZIP_MAX = 64_000;
/** A string of pdf.js's own that minifying keeps (a log message of its worker set-up). */
const PDFJS_MARK = 'Setting up fake worker';

describe('the built bundle', () => {
  beforeAll(async () => {
    // npm install builds it; a checkout that skipped the scripts builds it here.
    if (!existsSync(`${DIST}index.html`)) await promisify(execFile)('npx', ['vite', 'build'], { cwd: HERE });
  }, 180_000);

  it('keeps pdf.js out of the first screen: a chunk imported when a PDF is shown, its worker a file beside it', () => {
    const html = readFileSync(`${DIST}index.html`, 'utf8');
    const entry = /<script type="module"[^>]* src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const entryJs = readFileSync(`${DIST}assets/${entry}`);
    const gzipped = gzipSync(entryJs, { level: 9 }).length;
    console.log(`web bundle: first screen ${entryJs.length} bytes of JavaScript, ${gzipped} gzipped`);
    expect(gzipped).toBeLessThan(FIRST_SCREEN_GZIP_MAX);
    expect(entryJs.toString()).not.toContain(PDFJS_MARK);

    const assets = readdirSync(`${DIST}assets`);
    const pdfChunk = assets.filter((name) => name.endsWith('.js') && readFileSync(`${DIST}assets/${name}`, 'utf8').includes(PDFJS_MARK));
    expect(pdfChunk).toHaveLength(1);
    expect(html).not.toContain(pdfChunk[0]); // not preloaded with the first screen
    expect(entryJs.toString()).toContain(`import(\`./${pdfChunk[0]}\`)`);
    const worker = assets.filter((name) => /^pdf\.worker.*\.mjs$/.test(name));
    expect(worker).toHaveLength(1);
    expect(readFileSync(`${DIST}assets/${pdfChunk[0]}`, 'utf8')).toContain(worker[0]);
  });
});
