/**
 * The archivist's screens in a real browser (Debian's chromium driven by playwright-core, against the real server,
 * workers off: the records are seeded straight into the records table, no OCR). An archivist searches without
 * diacritics, sees the hit's highlighted snippet with its page, opens it, places a legal hold, and sees the deletion
 * refused in words; a clerk of another ward finds nothing. axe-core on each screen; the time from typing stopping
 * to the results shown is measured in the page. The records' PDFs are built from their text (test/helpers/text-pdf.ts)
 * and put in the store: the hit opens in the PDF viewer at its page, the words searched marked in pdf.js's text layer.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorCaller, units } from '../src/accounts/index.ts';
import { DEMO_UNIT } from '../src/bootstrap.ts';
import { insertFixtureRecords } from './helpers/search-fixtures.ts';
import { startTestStack, type TestStack } from './helpers/stack.ts';
import { axeProblems, headerLayout, launchBrowser, newPerson, openPage, pdfViewerPage, signIn, type SignInDetails } from './helpers/browser.ts';
import { textPdf } from './helpers/text-pdf.ts';

const OTHER_WARD = { code: '000.00.00.H98', name: 'UBND phường Bên Kia' };


/**
 * Types `text` into the search box and answers the milliseconds from the last keystroke to the results list
 * showing `expected` (a MutationObserver in the page: no round trip of the test driver is counted).
 */
async function typeAndTime(page: Page, text: string, expected: string): Promise<number> {
  await page.evaluate((want) => {
    const w = window as any;
    w.__lastInput = 0;
    w.__shown = new Promise<number>((resolve) => {
      document.querySelector('#q')!.addEventListener('input', () => (w.__lastInput = performance.now()));
      const check = () => {
        const hits = document.querySelector('[data-testid="hits"]')?.textContent ?? '';
        if (w.__lastInput && hits.includes(want)) {
          observer.disconnect();
          resolve(performance.now() - w.__lastInput);
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.querySelector('main')!, { subtree: true, childList: true, characterData: true });
    });
  }, expected);
  await page.locator('#q').focus();
  await page.keyboard.type(text, { delay: 30 });
  return Math.round(await page.evaluate(() => (window as any).__shown as Promise<number>));
}

describe('the archivist\'s screens', () => {
  let stack: TestStack;
  let browser: Browser;
  let archivist: SignInDetails;
  let otherClerk: SignInDetails;
  let lead: SignInDetails;
  let hitId: string;
  let secondId: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startTestStack({}, { workers: false }),
      launchBrowser(),
    ]);
    const { db } = stack.runtime;
    archivist = await newPerson(db, { username: 'archivist.web', displayName: 'Trần Văn Hải', unitCode: DEMO_UNIT.code, roles: [{ role: 'archivist' }] });
    await units.addUnit(db, operatorCaller(), { code: OTHER_WARD.code, name: OTHER_WARD.name, parent: null, kind: 'ward' });
    otherClerk = await newPerson(db, { username: 'clerk.benkia', unitCode: OTHER_WARD.code, roles: [{ role: 'clerk' }] });

    const { rows: [unit] } = await db.query<{ id: string }>('SELECT id FROM units WHERE code = $1', [DEMO_UNIT.code]);
    const base = { unitId: unit!.id, unitCode: DEMO_UNIT.code, procedure: 'KS', retentionYears: 20, retainUntil: '2046-12-31', createdAt: '2026-11-20T03:00:00Z' };
    lead = await newPerson(db, { username: 'lead.web', unitCode: DEMO_UNIT.code, roles: [{ role: 'archive-lead' }] });
    // Their PDFs first, as the pipeline stores them before the record (a record's object is write-once): the hit's words on its page 2.
    [hitId, secondId] = [randomUUID(), randomUUID()];
    await stack.runtime.store.put(`records/${hitId}.pdf`, await textPdf([
      ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'TỜ KHAI ĐĂNG KÝ KHAI SINH'],
      ['Họ và tên người được khai sinh: Phạm Thị Hồng Nhung', 'sinh ngày 12 tháng 3 năm 2026 tại Trạm y tế phường'],
    ]), { contentType: 'application/pdf' });
    await stack.runtime.store.put(`records/${secondId}.pdf`, await textPdf([['Giấy chứng sinh của cháu Lê Minh Khang']]), { contentType: 'application/pdf' });
    await insertFixtureRecords(db, [
      { ...base, id: hitId, title: 'Tờ khai đăng ký khai sinh', dossier: '000.00.00.H00-261120-0001', component: 'KS-TK',
        pages: ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Họ và tên người được khai sinh: Phạm Thị Hồng Nhung, sinh ngày 12 tháng 3 năm 2026 tại Trạm y tế phường'] },
      { ...base, id: secondId, title: 'Giấy chứng sinh', dossier: '000.00.00.H00-261120-0002', component: 'KS-GCS', pages: ['Giấy chứng sinh của cháu Lê Minh Khang'] },
      { ...base, title: 'Đơn đề nghị', dossier: '000.00.00.H00-261121-0003', procedure: 'KH', component: null, retentionYears: null, retainUntil: null, pages: ['Đơn đề nghị đăng ký kết hôn'] },
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('an archivist searches without diacritics, sees the highlighted snippet with its page, opens the hit, places a hold, and sees deletion refused; no a11y problem', async () => {
    const { context, page, errors } = await openPage(browser, { consoleExcept: [401, 409] });
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`)));
    const pdfjsFetched: string[] = []; // pdf.js's chunk and worker, fetched only once a PDF is shown
    page.on('request', (r) => /\/assets\/(pdf-view|pdf\.worker)/.test(r.url()) && pdfjsFetched.push(new URL(r.url()).pathname));
    await page.goto(`${stack.url}/search`);
    await signIn(page, archivist);
    await page.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ lưu trữ' }).waitFor();
    await page.getByText('3 hồ sơ tìm thấy').waitFor(); // the unit's records, before any word is typed
    expect(await axeProblems(page)).toEqual([]);
    // All seven of an archivist's links, the signed-in lines and the language fit one header row at 1366 px.
    expect(await page.locator('header nav a').count()).toBe(7);
    expect(await headerLayout(page)).toEqual({ rows: 1, brokenLinks: [] });

    const ms = await typeAndTime(page, 'hong nhung', 'Tờ khai đăng ký khai sinh');
    console.log(`web archivist: search results shown ${ms} ms after typing stopped (goal < 300 ms)`);
    expect(ms).toBeLessThan(1500); // the goal is 300 ms on an idle machine; this one is shared
    await page.getByText('1 hồ sơ tìm thấy').waitFor();
    const hit = page.locator('li.hit');
    expect(await hit.count()).toBe(1);
    const snippet = hit.locator('.snippet').first();
    expect(await snippet.locator('.page').textContent()).toBe('Trang 2:');
    expect(await snippet.locator('mark').allTextContents()).toEqual(expect.arrayContaining(['Hồng', 'Nhung']));
    expect(await axeProblems(page)).toEqual([]);

    // A facet narrows: another procedure, no hit; back to any.
    await page.locator('#facet-procedure').selectOption('');
    expect(await page.locator('#facet-procedure option').allTextContents()).toEqual(['Tất cả', 'KS (1)']);
    await page.locator('#facet-hold').selectOption('true');
    await page.getByText('Không tìm thấy hồ sơ nào.').waitFor();
    await page.locator('#facet-hold').selectOption('');
    await page.getByText('1 hồ sơ tìm thấy').waitFor();

    // Saved: under a name, listed, run again.
    await page.locator('#save-name').fill('Khai sinh Nhung');
    await page.getByRole('button', { name: 'Lưu tìm kiếm này' }).click();
    await page.getByRole('button', { name: 'Khai sinh Nhung' }).waitFor();

    expect(pdfjsFetched).toEqual([]);
    // Open the hit from the keyboard: the record, at the hit's page.
    await hit.getByRole('link').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Tờ khai đăng ký khai sinh' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/records/${hitId}`);
    expect(await page.getByTestId('hit-page').textContent()).toBe('Từ cần tìm có ở trang 2.');
    // The PDF at the hit's page, drawn, the words searched marked in its text layer; the address says page and words.
    expect(new URL(page.url()).search).toBe('?page=2&q=hong+nhung');
    const shown = await pdfViewerPage(page);
    expect(shown.page).toBe('2');
    expect(pdfjsFetched).toEqual([expect.stringMatching(/^\/assets\/pdf-view-.+\.js$/), expect.stringMatching(/^\/assets\/pdf\.worker\.min-.+\.mjs$/)]);
    expect(shown.text).toContain('Phạm Thị Hồng Nhung');
    expect(shown.text).not.toContain('CỘNG HÒA');
    expect(shown.ink).toBeGreaterThan(0.002); // the page's words, drawn (a blank canvas has none)
    expect(await page.locator('.textLayer mark').allTextContents()).toEqual(['Hồng', 'Nhung']);
    expect(await page.getByTestId('pdf-status').textContent()).toBe('Đang xem trang 2 trên 2. Từ cần tìm được tô sáng ở 2 chỗ trên trang này.');
    // From the keyboard, in the viewer: the page before, zoom in, fit again; the address follows the page.
    await page.getByRole('region', { name: 'Trang PDF đang xem' }).focus();
    await page.keyboard.press('PageUp');
    await page.locator('[data-testid="pdf-page"][data-page="1"][data-rendered="true"]').waitFor();
    expect((await pdfViewerPage(page)).text).toContain('CỘNG HÒA');
    expect(new URL(page.url()).searchParams.get('page')).toBe('1');
    await page.keyboard.press('+');
    expect(await page.getByTestId('pdf-zoom').textContent()).toBe('Cỡ 125 %');
    await page.keyboard.press('0');
    await page.keyboard.press('PageDown');
    await page.locator('[data-testid="pdf-page"][data-page="2"][data-rendered="true"]').waitFor();
    expect(await page.getByTestId('pdf-zoom').textContent()).toBe('Cỡ 100 %');
    expect(await page.getByTestId('retention').textContent()).toContain('Bảo quản đến hết ngày 2046-12-31');
    expect(await page.getByTestId('hold-status').textContent()).toBe('Không bị phong tỏa');
    expect(await page.getByRole('heading', { name: 'Gỡ phong tỏa' }).count()).toBe(0); // lifting is the archive lead's
    expect(await axeProblems(page)).toEqual([]);

    // Deleting is refused while retained, in words.
    await page.getByRole('button', { name: 'Xóa hồ sơ' }).click();
    await expect.poll(() => page.getByTestId('delete-note').textContent()).toBe('Không xóa được: hồ sơ còn trong thời hạn bảo quản, đến hết ngày 2046-12-31.');

    // A hold needs both a reason and a reference; then it is placed and shown.
    await page.locator('#hold-reason').fill('Thanh tra hồ sơ khai sinh');
    await page.locator('#hold-reference').fill('QĐ 12/QĐ-TTr');
    await page.getByRole('button', { name: 'Đặt phong tỏa' }).click();
    await page.getByTestId('hold-note').getByText('Đã đặt phong tỏa').waitFor();
    expect(await page.getByTestId('hold-status').textContent()).toBe('Đang bị phong tỏa');
    expect(await page.locator('section', { hasText: 'QĐ 12/QĐ-TTr' }).count()).toBeGreaterThan(0);
    const refusals: number[] = [];
    page.on('response', (r) => r.request().method() === 'DELETE' && refusals.push(r.status()));
    await page.getByRole('button', { name: 'Xóa hồ sơ' }).click();
    await expect.poll(() => refusals).toEqual([409]); // the server still refuses (it names the retention first)
    expect(await page.getByTestId('delete-note').textContent()).toMatch(/^Không xóa được: /);
    // The API says the same: still there, on hold.
    const after = await page.evaluate((id) => fetch(`/api/v1/records/${id}`).then((r) => r.json()), hitId);
    expect([after.id, after.onHold, after.disposedAt]).toEqual([hitId, true, null]);
    expect(await axeProblems(page)).toEqual([]);

    // Back to the search: the hold shows on the hit, and the hold facet finds it.
    await page.getByRole('button', { name: '← Quay lại kết quả tra cứu' }).click();
    await page.getByText('1 hồ sơ tìm thấy').waitFor(); // the same search again
    expect(await page.locator('#q').inputValue()).toBe('hong nhung');
    await page.locator('#q').fill('');
    await page.getByText('3 hồ sơ tìm thấy').waitFor();
    await page.getByRole('button', { name: 'Khai sinh Nhung' }).click();
    await page.getByText('1 hồ sơ tìm thấy').waitFor();
    await page.locator('li.hit .status').getByText('Đang bị phong tỏa').waitFor();

    // English is a switch away.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Search the archive' }).waitFor();
    expect(await page.locator('li.hit .snippet .page').first().textContent()).toBe('Page 2:');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a clerk of another ward finds none of it', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${stack.url}/search`);
    await signIn(page, otherClerk);
    await page.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ lưu trữ' }).waitFor();
    await page.getByText('Không tìm thấy hồ sơ nào.').waitFor();
    await Promise.all([page.waitForResponse((r) => r.url().includes('/api/v1/records?q=hong')), page.locator('#q').fill('hong nhung')]);
    await page.getByText('Không tìm thấy hồ sơ nào.').waitFor();
    expect(await page.locator('li.hit').count()).toBe(0);
    expect(await axeProblems(page)).toEqual([]);
    const answer = await page.evaluate(() => fetch('/api/v1/records?q=hong%20nhung').then((r) => r.json()));
    expect(answer.items).toEqual([]);
    // The record itself, by its address: not found for this clerk.
    await page.goto(`${stack.url}/records/${hitId}`);
    await page.getByRole('alert').getByText('Không tìm thấy hồ sơ này, hoặc bạn không được xem.').waitFor();
    await context.close();
  }, 60_000);

  it('the signed record screen shows the record\'s PDF, its first page drawn; no a11y or CSP problem', async () => {
    const { context, page } = await openPage(browser);
    const csp: string[] = [];
    page.on('console', (m) => m.type() === 'error' && m.text().startsWith('CSP:') && csp.push(m.text()));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`)));
    await page.goto(`${stack.url}/records/${secondId}/signatures`);
    await signIn(page, archivist);
    await page.getByRole('heading', { level: 1, name: 'Bản ghi đã ký' }).waitFor();
    const shown = await pdfViewerPage(page);
    expect(shown.page).toBe('1');
    expect(shown.text).toContain('Lê Minh Khang');
    expect(shown.ink).toBeGreaterThan(0.001);
    expect(await page.locator('.textLayer mark').count()).toBe(0); // nothing was searched
    expect(await page.getByTestId('pdf-status').textContent()).toBe('Đang xem trang 1 trên 1.');
    expect(await page.getByRole('button', { name: 'Trang sau →' }).isDisabled()).toBe(true);
    expect(await axeProblems(page)).toEqual([]);
    expect(csp).toEqual([]);
    await context.close();
  }, 60_000);

  it('the archive lead, and only the lead, is offered lifting a hold, with a reason', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${stack.url}/records/${secondId}`); // straight to a record's address
    await signIn(page, lead);
    await page.getByRole('heading', { level: 1, name: 'Giấy chứng sinh' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Gỡ phong tỏa' }).count()).toBe(0); // nothing to lift yet
    await page.getByRole('button', { name: 'Đặt phong tỏa' }).click(); // empty: said in words, nothing sent
    expect(await page.getByTestId('hold-note').textContent()).toBe('Hãy nhập cả lý do và căn cứ.');
    await page.locator('#hold-reason').fill('Kiểm tra');
    await page.locator('#hold-reference').fill('CV 3/UBND');
    await page.getByRole('button', { name: 'Đặt phong tỏa' }).click();
    await page.getByRole('heading', { name: 'Gỡ phong tỏa' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await page.locator('#lift-reason').fill('Đã kiểm tra xong');
    await page.getByRole('button', { name: 'Gỡ phong tỏa' }).click();
    await page.getByTestId('hold-note').getByText('Đã gỡ phong tỏa.').waitFor();
    expect(await page.getByTestId('hold-status').textContent()).toBe('Không bị phong tỏa');
    const after = await page.evaluate((id) => fetch(`/api/v1/records/${id}`).then((r) => r.json()), secondId);
    expect(after.onHold).toBe(false);
    await context.close();
  }, 60_000);
});
