/**
 * The clerk's review, dossier and signed-record screens in a real browser (Debian's chromium, playwright-core), against
 * the real server on the embedded default with its workers. Two scans of a paper that fits no component well (every page
 * is flagged: OCR_REVIEW_CONFIDENCE 99) wait for the clerk, beside a file that is no scan (quarantined); from the
 * keyboard she merges them, splits and merges again, sees the pages' thumbnails, reorders them by dragging and with
 * Alt+→, rotates a page, undoes each with Ctrl+Z, confirms a wrong component and undoes that too, corrects the
 * component by typing without diacritics, confirms with Enter, is told the built document can no longer be undone,
 * follows the dossier to the archived record and sees its signatures verified, and reads the quarantine reason in Vietnamese.
 * axe-core: no serious or critical violation on each screen. Prints the time from the review screen to the confirmation.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorCaller, people } from '../src/accounts/index.ts';
import { DEMO_UNIT } from '../src/bootstrap.ts';
import { repoRoot, startTestStack, uploadBatch, waitFor, waitForSplit, type TestStack } from './helpers/stack.ts';
import { axeProblems, launchBrowser, pdfViewerPage } from './helpers/browser.ts';



describe('the clerk\'s review, dossier and record screens', () => {
  let stack: TestStack;
  let browser: Browser;
  let clerk: { username: string; password: string };
  let dossier: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      // A confirmed document waits 3 s before it is built: the undo below is taken well inside that, whatever the machine's load.
      startTestStack({ OCR_REVIEW_CONFIDENCE: '99', REVIEW_UNDO_SECONDS: '3' }),
      launchBrowser(),
    ]);
    const username = 'clerk.review';
    const { password } = await people.createPerson(stack.runtime.db, operatorCaller(), { username, displayName: 'Trần Văn Minh', unitCode: DEMO_UNIT.code, roles: [{ role: 'clerk' }] });
    clerk = { username, password };
    // A certification request scanned into a birth registration: no component fits, so it waits for the clerk.
    const bytes = await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'skewed-seal.jpg'));
    const notAScan = Buffer.from('Biên bản họp, gõ bằng tay, không phải ảnh quét\n');
    // The back of the second paper, blank: dropped from its document, and shown as dropped.
    const backSide = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
    const upload = await uploadBatch(stack.url, stack.token, { unit: DEMO_UNIT.code, procedure: 'KS' }, [
      { name: 'giay-1.jpg', bytes }, { name: 'giay-2.jpg', bytes }, { name: 'giay-2-mat-sau.jpg', bytes: backSide }, { name: 'bien-ban.pdf', bytes: notAScan },
    ]);
    expect(upload.status).toBe(202);
    dossier = upload.body.dossier;
    const split = await waitForSplit(stack.url, stack.token, upload.body.id);
    expect(split.waitingForReview).toBe(2);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('a clerk merges, splits, reorders, rotates and undoes, corrects its component typed without diacritics, confirms with Enter, and sees the dossier and the signed record verify', async () => {
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
    // Each page as a thumbnail from the page-image API, loaded.
    const thumbs = card.locator('ol.pages li:not(.dropped) img');
    const loaded = () => thumbs.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    await expect.poll(loaded).toEqual([true]);
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

    await expect.poll(loaded).toEqual([true, true]);
    // The second paper's blank back side came with it: shown after the pages, as dropped.
    expect(await card.locator('ol.pages li.dropped .caption').allTextContents()).toEqual(['Mặt trắng, đã bỏ']);

    // Dragging the second page before the first puts it first (the API's order), said in words; Ctrl+Z puts it back.
    const docId = (await card.getAttribute('data-document'))!;
    const pagesOf = async () => (await (await fetch(`${stack.url}/api/v1/documents/${docId}`, { headers: { authorization: `Bearer ${stack.token}` } })).json()).pages as string[];
    const order = await pagesOf();
    expect(order).toHaveLength(2);
    expect(await card.locator('ol.pages li[data-page]:not(.dropped)').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-page')))).toEqual(order);
    await card.locator(`li[data-page="${order[1]}"] button`).dragTo(card.locator(`li[data-page="${order[0]}"] button`));
    await page.getByText('Đã đổi thứ tự: trang 2 giờ là trang 1.').waitFor();
    expect(await pagesOf()).toEqual([order[1], order[0]]);
    await page.locator('h1').focus();
    await page.keyboard.press('Control+z');
    await page.getByText('Đã hoàn tác lần đổi thứ tự trang.').waitFor();
    expect(await pagesOf()).toEqual(order);
    // The keyboard's way: Alt+→ on the focused first page moves it after the second, and it keeps the focus.
    await card.locator(`li[data-page="${order[0]}"] button`).focus();
    await page.keyboard.press('Alt+ArrowRight');
    await page.getByText('Đã đổi thứ tự: trang 1 giờ là trang 2.').waitFor();
    expect(await pagesOf()).toEqual([order[1], order[0]]);
    expect(await page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-page'))).toBe(order[0]);
    await page.keyboard.press('Control+z');
    await page.getByText('Đã hoàn tác lần đổi thứ tự trang.').waitFor();
    expect(await pagesOf()).toEqual(order);

    // Alt+R turns the first page (the API's rotate), said in words.
    await page.locator('h1').focus();
    const pageId = (await pagesOf())[0];
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

    // A wrong component confirmed (the document leaves the list, on its way to be built) is taken back with Ctrl+Z
    // before the build: the document waits for review again, unconfirmed, and the build queued for it does nothing.
    await page.locator('#component-filter').focus();
    await page.keyboard.type('to khai');
    await expect.poll(() => page.locator('#component-list').getByRole('option', { selected: true }).getAttribute('data-code')).toBe('KS-TK');
    await page.keyboard.press('Enter');
    await page.getByText('Đã xác nhận: Tờ khai đăng ký khai sinh.', { exact: false }).waitFor();
    await page.getByTestId('review-empty').waitFor();
    await page.keyboard.press('Control+z');
    await page.getByText('Đã hoàn tác lần xác nhận Tờ khai đăng ký khai sinh: văn bản lại chờ xem lại.', { exact: false }).waitFor();
    await card.waitFor();
    const reopened = await (await fetch(`${stack.url}/api/v1/documents/${docId}`, { headers: { authorization: `Bearer ${stack.token}` } })).json();
    expect([reopened.status, reopened.confirmedBy]).toEqual(['review', null]);
    // … and what the confirmation taught the unit's matcher is unlearned.
    const { rows: [learned] } = await stack.runtime.db.query(`SELECT count(*)::int AS n FROM learned_phrases WHERE component_code = 'KS-TK'`);
    expect(learned.n).toBe(0);

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
    // Once built, the confirmation can no longer be taken back: Ctrl+Z says so in words.
    await waitFor('the document to be built', async () => {
      const { status } = await (await fetch(`${stack.url}/api/v1/documents/${docId}`, { headers: { authorization: `Bearer ${stack.token}` } })).json();
      return !['review', 'matched'].includes(status);
    }, 60_000);
    await page.keyboard.press('Control+z');
    await page.getByRole('alert').getByText('Không hoàn tác được nữa: văn bản đã được dựng thành PDF.').waitFor();
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
    // Its pages as thumbnails, grouped under it.
    await expect.poll(() => archived.locator('ol.pages img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0))).toEqual([true, true, true]);
    // Both pages flagged as unsure (OCR_REVIEW_CONFIDENCE 99), the blank back side as dropped.
    expect(await archived.locator('ol.pages li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-low') ?? (li.getAttribute('data-blank') && 'blank')))).toEqual(['true', 'true', 'blank']);
    expect(await archived.locator('ol.pages li.dropped .caption').textContent()).toBe('Mặt trắng, đã bỏ');
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

    // Today's work: the file that was no scan, quarantined, its reason said in Vietnamese (the API's reasonCode).
    await page.getByRole('link', { name: 'Việc hôm nay' }).click();
    await page.getByText('Tệp bien-ban.pdf bị cách ly: tệp không phải ảnh quét hay PDF', { exact: false }).waitFor();
    await page.goBack();

    // English is a switch away on these screens too.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'The signed record' }).waitFor();
    expect(await verdict.textContent()).toBe('The signatures are valid.');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
