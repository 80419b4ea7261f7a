/** The browser tests' shared set-up: Debian's chromium through playwright-core, the built UI, and axe-core. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, run } from './stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Launches chromium, once the UI is built (npm install builds it; a checkout that skipped the scripts builds it here). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
  if (!existsSync(path.join(repoRoot, 'services', 'web', 'dist', 'index.html'))) await run('npm', ['run', 'build', '-w', '@sohoa/web'], { cwd: repoRoot });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** axe-core run in the page (evaluate: the page's CSP does not apply to it); the serious and critical findings. */
export async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3) }));
  });
  return found.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id} (${v.impact}): ${v.nodes.join(', ')}`);
}

/**
 * The PDF viewer's page (services/web/src/components/PdfViewer.svelte), once drawn and its text layer laid: which page,
 * the text layer's text, and the share of the canvas's pixels that are ink (dark): a blank canvas has none.
 */
export async function pdfViewerPage(page: Page): Promise<{ page: string | null; ink: number; text: string }> {
  const drawn = page.locator('[data-testid="pdf-page"][data-rendered="true"]');
  await drawn.waitFor({ timeout: 20_000 });
  const ink = await drawn.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && data[i]! + data[i + 1]! + data[i + 2]! < 384) dark++;
    return dark / (data.length / 4);
  });
  return { page: await drawn.getAttribute('data-page'), ink, text: (await drawn.locator('.textLayer').textContent()) ?? '' };
}
