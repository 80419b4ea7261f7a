/** The browser tests' shared set-up: Debian's chromium through playwright-core, the built UI, and axe-core. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Db } from '@sohoa/shared';
import { operatorCaller, people } from '../../src/accounts/index.ts';
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

/** What a person types on the sign-in screen. */
export interface SignInDetails { username: string; password: string }

/** A person made by the operator (as a unit-admin would), with the first password the server gave them. */
export async function newPerson(db: Db, p: Parameters<typeof people.createPerson>[2]): Promise<SignInDetails> {
  const { password } = await people.createPerson(db, operatorCaller(), p);
  return { username: p.username, password };
}

/** Signs in from the keyboard, as the sign-in screen is meant to be used: the name field has the focus. */
export async function signIn(page: Page, who: SignInDetails): Promise<void> {
  await page.locator('#username:focus').waitFor();
  await page.keyboard.type(who.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
}

/**
 * A fresh page as the screens are judged: 1366×768, in Vietnamese. `errors` gathers the page's uncaught errors and,
 * given `consoleExcept`, its console errors too, but for the failed requests of those HTTP statuses (a refusal the
 * screen shows on purpose is logged by the browser as an error).
 */
export async function openPage(browser: Browser, o: { consoleExcept?: number[]; acceptDownloads?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN', ...(o.acceptDownloads ? { acceptDownloads: true } : {}) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const except = o.consoleExcept;
  if (except) {
    const expected = new RegExp(`status of (${except.join('|')})`);
    page.on('console', (m) => m.type() === 'error' && !(except.length && expected.test(m.text())) && errors.push(m.text()));
  }
  return { context, page, errors };
}

/**
 * How the page header lies: the rows its items take (1: it fits the window's width) and the links whose label
 * breaks over two lines.
 */
export async function headerLayout(page: Page): Promise<{ rows: number; brokenLinks: string[] }> {
  return page.locator('header').evaluate((header) => {
    const rows: { top: number; bottom: number }[] = [];
    for (const item of [...header.children]) {
      const r = item.getBoundingClientRect();
      if (r.width === 0) continue;
      const row = rows.find((x) => r.top < x.bottom && r.bottom > x.top);
      if (row) [row.top, row.bottom] = [Math.min(row.top, r.top), Math.max(row.bottom, r.bottom)];
      else rows.push({ top: r.top, bottom: r.bottom });
    }
    const brokenLinks = [...header.querySelectorAll('nav a')].filter((a) => {
      const range = document.createRange();
      range.selectNodeContents(a);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
    }).map((a) => a.textContent ?? '');
    return { rows: rows.length, brokenLinks };
  });
}
