/**
 * The clerk's review, dossier and signed-record screens in a real browser (Debian's chromium, playwright-core), against
 * the real server on the embedded default with its workers. Two scans of a paper that fits no component well (every page
 * is flagged: OCR_REVIEW_CONFIDENCE 99) wait for the clerk; from the keyboard she merges them, splits and merges again,
 * rotates a page and undoes it, corrects the component by typing without diacritics, confirms with Enter, follows the dossier to the archived record and sees its signatures verified.
 * axe-core: no serious or critical violation on each screen. Prints the time from the review screen to the confirmation.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorCaller, people } from '../src/accounts/index.ts';
import { DEMO_UNIT } from '../src/bootstrap.ts';
import { repoRoot, startTestStack, uploadBatch, waitForSplit, type TestStack } from './helpers/stack.ts';
import { axeProblems, launchBrowser, pdfViewerPage } from './helpers/browser.ts';



describe('the clerk\'s review, dossier and record screens', () => {
  let stack: TestStack;
  let browser: Browser;
  let clerk: { username: string; password: string };
  let dossier: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startTestStack({ OCR_REVIEW_CONFIDENCE: '99' }),
      launchBrowser(),
    ]);
    const username = 'clerk.review';
    const { password } = await people.createPerson(stack.runtime.db, operatorCaller(), { username, displayName: 'Trần Văn Minh', unitCode: DEMO_UNIT.code, roles: [{ role: 'clerk' }] });
    clerk = { username, password };
    // A certification request scanned into a birth registration: no component fits, so it waits for the clerk.
    const bytes = await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'skewed-seal.jpg'));
    const upload = await uploadBatch(stack.url, stack.token, { unit: DEMO_UNIT.code, procedure: 'KS' }, [{ name: 'giay-1.jpg', bytes }, { name: 'giay-2.jpg', bytes }]);
    expect(upload.status).toBe(202);
    dossier = upload.body.dossier;
    const split = await waitForSplit(stack.url, stack.token, upload.body.id);
    expect(split.waitingForReview).toBe(2);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('a clerk merges, splits, rotates and undoes, corrects its component typed without diacritics, confirms with Enter, and sees the dossier and the signed record verify', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${stack.url}/review`);
    await page.locator('#username:focus').waitFor();
    await page.keyboard.type(clerk.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(clerk.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Văn bản chờ xem lại' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/review');
    const card = page.locator('article[data-document]');
    await card.waitFor();
    expect(await card.locator('h2').textContent()).toBe(`Hồ sơ ${dossier}, văn bản 1`);
    for (const key of ['Enter: xác nhận thành phần đang chọn', 'Alt+R: xoay trang đầu']) await page.getByText(key).waitFor(); // the shortcuts, on screen
    expect(await axeProblems(page)).toEqual([]);

    // Alt+M appends the dossier's next document (two scans of one paper): one document of two pages is left to review.
    expect(await page.getByText('2 văn bản đang chờ, cũ nhất trước').count()).toBe(1);
    await page.keyboard.press('Alt+m');
    await page.getByText('Đã gộp: văn bản này giờ có 2 trang.').waitFor();
    await page.getByText('1 văn bản đang chờ, cũ nhất trước').waitFor();
    expect(await card.getByText('2 trang', { exact: false }).count()).toBeGreaterThan(0);
    // Alt+S goes to the page to split at; the split gives the two documents back; Alt+M merges them again.
    await page.keyboard.press('Alt+s');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('split-at');
    await page.getByRole('button', { name: 'Tách văn bản' }).click();
    await page.getByText('Đã tách thành 2 văn bản.').waitFor();
    await page.getByText('2 văn bản đang chờ, cũ nhất trước').waitFor();
    await page.locator('h1').focus();
    await page.keyboard.press('Alt+m');
    await page.getByText('1 văn bản đang chờ, cũ nhất trước').waitFor();

    // Alt+R turns the first page (the API's rotate), said in words.
    const pageId = (await (await fetch(`${stack.url}/api/v1/documents/${await card.getAttribute('data-document')}`, { headers: { authorization: `Bearer ${stack.token}` } })).json()).pages[0];
    const { rows: [before] } = await stack.runtime.db.query('SELECT rotation FROM pages WHERE id = $1', [pageId]);
    await page.keyboard.press('Alt+r');
    await page.getByText('Đã xoay trang.').waitFor();
    const { rows: [after] } = await stack.runtime.db.query('SELECT rotation FROM pages WHERE id = $1', [pageId]);
    expect((after.rotation - before.rotation + 360) % 360).toBe(90);
    // Ctrl+Z takes it back (a rotation the other way), until the document is built.
    await page.locator('h1').focus();
    await page.keyboard.press('Control+z');
    await page.getByText('Đã hoàn tác lần xoay trang.').waitFor();
    const { rows: [undone] } = await stack.runtime.db.query('SELECT rotation FROM pages WHERE id = $1', [pageId]);
    expect(undone.rotation % 360).toBe(before.rotation % 360);

    // Typing what no component is says so.
    await page.locator('#component-filter').focus();
    await page.keyboard.type('hop dong');
    await page.getByText('Không có thành phần nào khớp.').waitFor();
    expect(await page.locator('#component-list').getByRole('option').count()).toBe(0);

    // The screen opened afresh: from here to the document confirmed is what the clerk spends on it.
    const opened = performance.now();
    await page.reload();
    await card.waitFor();
    await page.locator('#component-filter').focus();
    await page.keyboard.type('giay chung sinh'); // without diacritics
    const options = page.locator('#component-list').getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual(['Giấy chứng sinh (KS-GCS)']);
    expect(await page.locator('#component-list').getByRole('option', { selected: true }).getAttribute('data-code')).toBe('KS-GCS');
    await page.keyboard.press('Enter');
    await page.getByText('Đã xác nhận: Giấy chứng sinh.', { exact: false }).waitFor();
    const reviewMs = Math.round(performance.now() - opened);
    console.log(`web clerk: review screen opened to document confirmed in ${reviewMs} ms`);
    await page.getByTestId('review-empty').waitFor();
    // The API agrees: nothing waits any more.
    expect((await (await fetch(`${stack.url}/api/v1/review`, { headers: { authorization: `Bearer ${stack.token}` } })).json()).documents).toEqual([]);

    // The dossier: its documents, the checklist, and the missing required component said plainly.
    await page.getByRole('link', { name: `Mở hồ sơ ${dossier}` }).click();
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${dossier}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/dossiers/${dossier}`);
    await page.locator('[data-component="KS-GCS"][data-state="present"]').waitFor();
    expect(await page.locator('[data-component="KS-TK"]').getAttribute('data-state')).toBe('missing');
    expect(await page.getByTestId('missing').textContent()).toBe('Còn thiếu thành phần bắt buộc: Tờ khai đăng ký khai sinh');
    const archived = page.locator('li[data-document][data-status="archived"]');
    await archived.waitFor({ timeout: 60_000 });
    expect(await archived.textContent()).toMatch(/Văn bản 1: Giấy chứng sinh — Đã lưu trữ\s*2 trang/);
    expect(await axeProblems(page)).toEqual([]);

    // The signed record: its signatures checked by the verify API, who signed and when, and the PDF.
    await archived.getByRole('link', { name: 'Xem bản đã ký' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bản ghi đã ký' }).waitFor();
    const recordId = new URL(page.url()).pathname.split('/')[2];
    expect(new URL(page.url()).pathname).toBe(`/records/${recordId}/signatures`);
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor({ timeout: 30_000 });
    const report = await (await fetch(`${stack.url}/api/v1/records/${recordId}/verify`, { headers: { authorization: `Bearer ${stack.token}` } })).json();
    expect(report.valid).toBe(true);
    expect(await verdict.getAttribute('data-valid')).toBe('true');
    expect(await verdict.textContent()).toBe('Các chữ ký hợp lệ.');
    const sigs = page.locator('ul.sigs > li');
    expect(await sigs.count()).toBe(report.signatures.length);
    expect(report.signatures.length).toBeGreaterThan(0);
    for (let i = 0; i < report.signatures.length; i++) {
      const text = await sigs.nth(i).textContent();
      expect(text).toContain(`Người ký: ${report.signatures[i].signer}`);
      expect(text).toContain('Hợp lệ');
      expect(text).toMatch(/Ký lúc \S+/);
    }
    const pdfHref = await page.getByRole('link', { name: 'Mở tệp PDF đã ký' }).getAttribute('href');
    expect(pdfHref).toBe(`/api/v1/records/${recordId}/pdf`);
    expect(await page.evaluate((href) => fetch(href!).then(async (r) => `${r.status} ${r.headers.get('content-type')}`), pdfHref)).toMatch(/^200 application\/pdf/);
    // And the PDF itself, shown by pdf.js: its first page drawn (the scan), with the OCR's text layer over it.
    const shown = await pdfViewerPage(page);
    expect(shown.page).toBe('1');
    expect(shown.ink).toBeGreaterThan(0.001);
    expect(shown.text.length).toBeGreaterThan(20);
    expect(await axeProblems(page)).toEqual([]);

    // English is a switch away on these screens too.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'The signed record' }).waitFor();
    expect(await verdict.textContent()).toBe('The signatures are valid.');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
