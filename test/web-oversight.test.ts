/**
 * The integrity screen and the oversight dashboard in a real browser (Debian's chromium driven by playwright-core,
 * against the real server, workers on: the fixity run and the export are real jobs). An archivist who also reads
 * the trail sees the audit chain verified in words, starts a fixity run and sees it done, builds a BagIt export of
 * the fonds and downloads it (a valid bag, by helpers/bagit-checker.ts). An inspector of a district sees its
 * digitization rate by month against the target line, the ward below target marked, the queue, and the ward's
 * certificate about to expire. axe-core on each screen; everything reached from the keyboard.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitRepository } from '@sohoa/shared';
import { operatorCaller, units } from '../src/accounts/index.ts';
import { DEMO_UNIT } from '../src/bootstrap.ts';
import { checkBag, unpackZip } from './helpers/bagit-checker.ts';
import { axeProblems, launchBrowser, newPerson, openPage, signIn, type SignInDetails } from './helpers/browser.ts';
import { importCertificateExpiringIn, seedOversightDossier } from './helpers/oversight-fixtures.ts';
import { repoRoot, startTestStack, type TestStack } from './helpers/stack.ts';

const Q = '720.00.00.Q72';
const W1 = '720.01.00.P72';
const W2 = '720.02.00.P73';

/** Presses Tab until the focused element's text is `name`, then Enter: the action is reached from the keyboard. */
async function pressByKeyboard(page: Page, name: string) {
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === name) return page.keyboard.press('Enter');
  }
  throw new Error(`"${name}" is not reached with Tab`);
}

describe('the integrity screen and the oversight dashboard', () => {
  let stack: TestStack;
  let browser: Browser;
  let keeper: SignInDetails;
  let inspector: SignInDetails;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({}), launchBrowser()]);
    const { db, store } = stack.runtime;
    const operator = operatorCaller();
    keeper = await newPerson(db, { username: 'keeper.web', displayName: 'Lê Thị Thu', unitCode: DEMO_UNIT.code, roles: [{ role: 'archivist' }, { role: 'auditor' }] });
    await units.addUnit(db, operator, { code: Q, name: 'UBND quận Bảy Hai', parent: null, kind: 'district' });
    await units.addUnit(db, operator, { code: W1, name: 'UBND phường Đạt', parent: Q, kind: 'ward' });
    await units.addUnit(db, operator, { code: W2, name: 'UBND phường Chậm', parent: Q, kind: 'ward' });
    inspector = await newPerson(db, { username: 'inspector.web', displayName: 'Phạm Văn Tra', unitCode: Q, roles: [{ role: 'unit-admin' }, { role: 'auditor' }] });

    const id = async (code: string) => (await unitRepository.unitByCode(db, code))!.id;
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 10, 3));
    const thisMonth = new Date(now.getTime() - 3_600_000);
    const complete = ['KS-TK', 'KS-GCS'];
    let n = 0;
    const dossier = async (unit: string, receivedAt: Date, archived: string[], unreadPages = 0) =>
      seedOversightDossier(db, store, { unitId: await id(unit), code: `${unit}-261203-${String((n += 1)).padStart(4, '0')}`, procedure: 'KS', receivedAt, archived, unreadPages });
    // W1: 1 of 1 last month, 3 of 3 this month. W2: 2 of 2 last month, 1 of 2 this month (50 %, below 80 %).
    // The district: 3 of 3, then 4 of 5 (80 %: met).
    await dossier(W1, lastMonth, complete);
    for (let i = 0; i < 3; i += 1) await dossier(W1, thisMonth, complete);
    await dossier(W2, lastMonth, complete);
    await dossier(W2, lastMonth, complete);
    await dossier(W2, thisMonth, complete);
    await dossier(W2, thisMonth, ['KS-TK'], 3);
    await dossier(DEMO_UNIT.code, thisMonth, complete); // the archivist's fonds has a record to check
    await importCertificateExpiringIn(stack, W2, 'UBND phường Chậm', 12);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the audit chain verified, runs a fixity check, and builds and downloads a valid BagIt export', async () => {
    const { context, page, errors } = await openPage(browser, { acceptDownloads: true });
    await page.goto(`${stack.url}/integrity`);
    await signIn(page, keeper);
    await page.getByRole('heading', { level: 1, name: 'Toàn vẹn dữ liệu lưu trữ' }).waitFor();
    const chain = page.getByTestId('chain');
    await chain.waitFor();
    expect(await chain.textContent()).toMatch(/^\s*Chuỗi nhật ký nguyên vẹn: đã kiểm tra \d+ dòng/);
    await page.getByTestId('audit-events').waitFor();
    expect(await page.getByTestId('audit-events').textContent()).toContain('certificate.registered'); // the unit's seal, at start-up
    expect(await axeProblems(page)).toEqual([]);

    await pressByKeyboard(page, 'Kiểm tra ngay');
    await page.getByTestId('fixity-runs').getByText('Xong').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('fixity-runs').locator('tbody tr').first().textContent()).toContain('keeper.web');
    expect(Number(await page.getByTestId('fixity-counts').locator('dd').nth(4).textContent())).toBe(0); // nothing left unchecked

    await page.locator('#export-unit').selectOption(DEMO_UNIT.code);
    await pressByKeyboard(page, 'Tạo gói BagIt');
    const link = page.getByTestId('export-download');
    await link.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('export-state').textContent()).toContain('Gói đã sẵn sàng');
    expect(await axeProblems(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const zip = await readFile((await download.path())!);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-web-bag-'));
    await unpackZip(zip, dir);
    const bag = await checkBag(path.join(dir, (await readdir(dir))[0]!));
    expect(bag.problems).toEqual([]);
    expect(bag.valid).toBe(true);
    expect(await page.getByRole('link', { name: 'Tải mô tả XML' }).getAttribute('href')).toBe(`/api/v1/fonds/${DEMO_UNIT.code}/description?format=xml`);
    expect(await page.getByRole('link', { name: 'Tải mục lục (xlsx)' }).getAttribute('href')).toBe(`/api/v1/fonds/${DEMO_UNIT.code}/description?format=xlsx`);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('shows an inspector the rate by month against the target line, the ward below target marked, the queue, and a certificate about to expire', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${stack.url}/dashboard`);
    await signIn(page, inspector);
    await page.getByRole('heading', { level: 1, name: 'Tổng quan số hóa' }).waitFor();
    const table = page.getByTestId('units');
    await table.waitFor();
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-unit'), r.classList.contains('below'), r.lastElementChild!.textContent]))).toEqual([
      [Q, false, 'Đạt'], [W1, false, 'Đạt'], [W2, true, '⚠ Dưới chỉ tiêu'],
    ]);
    const chart = page.getByTestId('rate-chart');
    expect(await chart.locator('title').first().textContent()).toBe('Tỷ lệ số hóa theo tháng: UBND quận Bảy Hai');
    expect(await chart.getByTestId('target-line').getAttribute('y1')).toBe('49.6'); // 80 %: 12 + 0.2 × (240 − 12 − 40)
    expect(await chart.getByTestId('below-point').count()).toBe(0);
    expect(await page.getByTestId('queue').textContent()).toContain('3 trang'); // W2's unread pages, rolled up
    expect(await axeProblems(page)).toEqual([]);

    await pressByKeyboard(page, 'UBND phường Chậm');
    await page.getByRole('heading', { name: 'Tỷ lệ số hóa theo tháng: UBND phường Chậm' }).waitFor();
    expect(await chart.getByTestId('below-point').count()).toBe(1);
    expect(await chart.locator('desc').textContent()).toContain('50.0% (2 hồ sơ)');
    const certs = page.getByTestId('certificates');
    await certs.waitFor();
    expect((await certs.textContent())!.replace(/\s+/g, ' ')).toMatch(/UBND phường Chậm \(con dấu đơn vị\) — hiệu lực đến \d{4}-\d\d-\d\d ⚠ Sắp hết hạn: còn 1[12] ngày/);
    expect(await axeProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('keeps the page\'s script small: the chart is SVG drawn by the component, no chart library', async () => {
    const dist = path.join(repoRoot, 'services', 'web', 'dist');
    const entry = /<script[^>]+src="\/([^"]+\.js)"/.exec(await readFile(path.join(dist, 'index.html'), 'utf8'))![1]!;
    const gzipped = gzipSync(await readFile(path.join(dist, entry))).length;
    console.log(`web: the entry script is ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
    expect(gzipped).toBeLessThan(64_000); // the bound of services/web/src/bundle.spec.ts
  });
});
