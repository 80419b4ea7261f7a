/**
 * The archivist's archival-file and disposition screens in a real browser (Debian's chromium driven by
 * playwright-core, against the real server, workers off: the records are made by the real record.archive handler
 * without OCR, and the approved list is carried out by running the disposition.execute job here).
 *
 * Archivist An (who is also an archive lead) proposes two due records for disposition and is told, on the list's
 * screen, that he may not decide his own list (and the API refuses it); archive lead Bình keeps one until a review
 * date and approves the rest in the UI; the disposed record then shows its tombstone and the list its signed minute.
 * The archival file's screen shows a refused field with the server's reason said in Vietnamese, saves a valid
 * correction into its history, and places a hold with a reason. axe-core finds nothing serious on each screen.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposition, dispositionExecuteJob } from '@sohoa/archive-api';
import { createKeyTransports } from '@sohoa/signer';
import { DEMO_UNIT } from '../src/bootstrap.ts';
import { archivedRecord, backdate, type ArchivedFixture } from './helpers/records.ts';
import { startTestStack, type TestStack } from './helpers/stack.ts';
import { axeProblems, launchBrowser, newPerson, openPage, signIn, type SignInDetails } from './helpers/browser.ts';

describe('the archivist\'s archival file and disposition screens', () => {
  let stack: TestStack;
  let browser: Browser;
  let an: SignInDetails;
  let binh: SignInDetails;
  let due: ArchivedFixture;
  let spared: ArchivedFixture;
  let filed: ArchivedFixture;
  const newPage = () => openPage(browser, { consoleExcept: [401, 403, 409, 422] });

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({}, { workers: false }), launchBrowser()]);
    const { db } = stack.runtime;
    an = await newPerson(db, { username: 'archivist.an', displayName: 'Nguyễn Văn An', unitCode: DEMO_UNIT.code, roles: [{ role: 'archivist' }, { role: 'archive-lead' }] });
    binh = await newPerson(db, { username: 'lead.binh', displayName: 'Lê Thị Bình', unitCode: DEMO_UNIT.code, roles: [{ role: 'archive-lead' }] });
    due = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    await backdate(stack.runtime, due.recordId, '2020-12-31'); // kept two years after its file closed in 2018
    spared = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    await backdate(stack.runtime, spared.recordId, '2020-12-31');
    expect(await disposition.scanDue(db)).toMatchObject({ listed: 2 });
    filed = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    const closed = await fetch(`${stack.url}/api/v1/dossiers/${filed.dossierCode}/close`, { method: 'POST', headers: { authorization: `Bearer ${stack.token}` } });
    expect(closed.status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('An proposes two due records, may not decide his own list; Bình keeps one and approves the rest; the record shows its tombstone and the list its signed minute', async () => {
    const first = await newPage();
    await first.page.goto(`${stack.url}/disposition`);
    await signIn(first.page, an);
    const page = first.page;
    await page.getByRole('heading', { level: 1, name: 'Hủy tài liệu hết thời hạn bảo quản' }).waitFor();
    await page.getByTestId('due').getByText('Hết hạn ngày 2020-12-31').first().waitFor();
    expect(await axeProblems(page)).toEqual([]);
    // From the keyboard: tick the records, write the note, propose.
    for (const record of [due, spared]) {
      await page.locator(`#due-${record.recordId}`).focus();
      await page.keyboard.press('Space');
    }
    await page.locator('#disposition-note').focus();
    await page.keyboard.type('Hết thời hạn bảo quản 2 năm');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Danh sách hủy tài liệu' }).waitFor();
    const listId = new URL(page.url()).pathname.split('/').at(-1)!;
    expect(await page.getByTestId('list-status').textContent()).toBe('Chờ phê duyệt');
    expect(await page.getByTestId('decide-note').textContent()).toBe('Bạn đã đề xuất danh sách này, nên không được tự phê duyệt hay từ chối: một trưởng kho khác phải quyết định.');
    expect(await page.getByRole('button', { name: 'Phê duyệt hủy' }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0); // nor keep any of it
    expect(await axeProblems(page)).toEqual([]);
    // The server says the same to An's own session, whatever the screen shows.
    const self = await page.evaluate(async (id) => {
      const { csrfToken } = await fetch('/api/v1/session').then((r) => r.json());
      const r = await fetch(`/api/v1/disposition/lists/${id}/approve`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: '{}' });
      return { status: r.status, code: (await r.json()).error.code };
    }, listId);
    expect(self).toEqual({ status: 403, code: 'proposer-cannot-approve' });

    // Bình finds it among the lists awaiting approval and approves it.
    const second = await newPage();
    const lead = second.page;
    await lead.goto(`${stack.url}/disposition`);
    await signIn(lead, binh);
    await lead.getByTestId('awaiting').getByRole('link', { name: /archivist\.an \(2 hồ sơ\)/ }).click();
    await lead.getByRole('heading', { level: 1, name: 'Danh sách hủy tài liệu' }).waitFor();
    expect(new URL(lead.url()).pathname).toBe(`/disposition/lists/${listId}`);
    await lead.getByTestId('list-items').getByText('chờ quyết định').first().waitFor();
    expect(await axeProblems(lead)).toEqual([]);
    await lead.getByRole('button', { name: 'Từ chối' }).click(); // rejecting needs a reason: said, nothing sent
    expect(await lead.getByTestId('decision-note').textContent()).toBe('Hãy nhập lý do từ chối.');
    await lead.locator('#decision-reason').fill('Hội đồng xác định giá trị đồng ý');
    // One record is kept instead, until the review date below (the approval's `keep`), ticked from the keyboard.
    const reviewAfter = await lead.locator('#review-after').inputValue();
    await lead.locator(`#keep-${spared.recordId}`).focus();
    await lead.keyboard.press('Space');
    expect(await lead.getByLabel(/^Giữ lại, không hủy: /).count()).toBe(2);
    expect(await axeProblems(lead)).toEqual([]);
    await lead.getByRole('button', { name: 'Phê duyệt hủy' }).click();
    await lead.getByTestId('decision-note').getByText(`Đã phê duyệt. 1 hồ sơ được giữ lại đến ${reviewAfter};`, { exact: false }).waitFor();
    const items = await lead.evaluate((id) => fetch(`/api/v1/disposition/lists/${id}`).then((r) => r.json()), listId);
    expect(Object.fromEntries(items.items.map((i: any) => [i.record, [i.decision, i.reviewAfter]]))).toEqual({
      [due.recordId]: ['dispose', null], [spared.recordId]: ['keep', reviewAfter],
    });
    expect(await lead.getByTestId('list-status').textContent()).toBe('Đã phê duyệt, đang thực hiện hủy');

    // The job carries it out (workers are off here); the screen follows it to the end and links the signed minute.
    expect(await dispositionExecuteJob({ db: stack.runtime.db, store: stack.runtime.store, keys: createKeyTransports({}) }).run({ listId })).toEqual({ status: 'done' });
    await lead.getByTestId('list-status').getByText('Đã hủy').waitFor({ timeout: 10_000 });
    await lead.getByTestId('list-items').getByText('đã hủy', { exact: true }).waitFor();
    await lead.getByTestId('list-items').getByText(`giữ lại đến ${reviewAfter}`).waitFor();
    const kept = await lead.evaluate((id) => fetch(`/api/v1/records/${id}`).then((r) => r.json()), spared.recordId);
    expect(kept.disposedAt).toBeNull();
    const minute = await lead.getByTestId('minute-link').getAttribute('href');
    const pdf = await lead.evaluate((href) => fetch(href!).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), head: (await r.text()).slice(0, 5) })), minute);
    expect(pdf).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });

    // The record: its tombstone, who decided, and the minute again.
    await lead.getByTestId('list-items').locator(`a[href="/records/${due.recordId}"]`).click();
    const stone = lead.getByTestId('tombstone');
    await stone.getByText('Hủy ngày').waitFor();
    expect(new URL(lead.url()).pathname).toBe(`/records/${due.recordId}`);
    expect(await stone.textContent()).toContain('user:lead.binh');
    expect(await stone.textContent()).toContain('user:archivist.an');
    await stone.getByTestId('minute-link').waitFor();
    expect(await axeProblems(lead)).toEqual([]);
    expect([...first.errors, ...second.errors]).toEqual([]);
    await Promise.all([first.context.close(), second.context.close()]);
  }, 60_000);

  it('the archival file: a refused field says why, a correction is saved into the history, a hold is placed with a reason', async () => {
    const { context, page, errors } = await newPage();
    await page.goto(`${stack.url}/records/${filed.recordId}`);
    await signIn(page, an);
    await page.getByRole('button', { name: 'Mở hồ sơ lưu trữ chứa văn bản này' }).click();
    await page.getByRole('heading', { level: 1, name: `Hồ sơ lưu trữ ${filed.dossierCode}` }).waitFor();
    await page.getByTestId('file-history').getByText('đóng hồ sơ').waitFor();
    expect(await page.getByTestId('file-retention').textContent()).toMatch(/đến hết ngày \d{4}-12-31/);
    await page.getByRole('link', { name: new RegExp(`^${filed.dossierCode.replaceAll('.', '\\.')}\\.001`) }).waitFor();
    expect(await axeProblems(page)).toEqual([]);

    // Not a real date: refused, the reason beside the field.
    await page.locator('#file-StartDate').fill('2026-13-45');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.locator('#file-StartDate-error').getByText('không có ngày này trên lịch').waitFor();
    expect(await page.locator('#file-StartDate').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('file-note').textContent()).toContain('Thời gian bắt đầu (YYYY-MM-DD): không có ngày này trên lịch');
    // Dates in the wrong order: said beside both, in Vietnamese, and English a switch away.
    const endDate = await page.locator('#file-EndDate').inputValue();
    await page.locator('#file-StartDate').fill('2026-12-01');
    await page.locator('#file-EndDate').fill('2026-11-01');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.locator('#file-EndDate-error').getByText('thời gian bắt đầu sau thời gian kết thúc').waitFor();
    expect(await page.locator('#file-StartDate-error').textContent()).toBe('thời gian bắt đầu sau thời gian kết thúc');
    const language = page.locator('header .lang select'); // the file has a field named Ngôn ngữ too
    await language.selectOption('en');
    await page.locator('#file-EndDate-error').getByText('the start date comes after the end date').waitFor();
    await language.selectOption('vi');
    await page.locator('#file-EndDate').fill(endDate);
    expect(await axeProblems(page)).toEqual([]);

    // A valid correction: saved, and in the history with its old value.
    await page.locator('#file-StartDate').fill('2026-11-20');
    await page.locator('#file-Title').fill('Hồ sơ chứng thực bản sao');
    await page.locator('#file-Title').press('Enter');
    await page.getByTestId('file-note').getByText('Đã lưu 2 trường.').waitFor();
    const history = page.getByTestId('file-history');
    await history.getByText('Tiêu đề hồ sơ: "', { exact: false }).waitFor();
    expect(await history.textContent()).toContain('→ "Hồ sơ chứng thực bản sao"');
    expect(await history.textContent()).toContain('user:archivist.an sửa');
    expect(await page.locator('#file-StartDate-error').count()).toBe(0);
    expect(await page.locator('#file-EndDate-error').count()).toBe(0);

    // A hold on the whole file, with its reason and reference.
    expect(await page.getByTestId('file-hold-status').textContent()).toBe('Không bị phong tỏa');
    await page.locator('#hold-reason').fill('Thanh tra chứng thực');
    await page.locator('#hold-reference').fill('QĐ 7/QĐ-TTr');
    await page.getByRole('button', { name: 'Đặt phong tỏa' }).click();
    await page.getByTestId('hold-note').getByText('Đã đặt phong tỏa').waitFor();
    expect(await page.getByTestId('file-hold-status').textContent()).toBe('Đang bị phong tỏa');
    expect(await page.locator('section', { hasText: 'QĐ 7/QĐ-TTr' }).count()).toBeGreaterThan(0);
    const record = await page.evaluate((id) => fetch(`/api/v1/records/${id}`).then((r) => r.json()), filed.recordId);
    expect(record.onHold).toBe(true);
    expect(await axeProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
