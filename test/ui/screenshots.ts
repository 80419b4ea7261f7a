/**
 * `npm run screenshots`: every main screen of the web UI at 1366×768, in Vietnamese, into docs/ui/*.png. Runs the
 * real server on the embedded default in a fresh data folder (workers on: of the two sample pages uploaded, one is
 * read, signed and archived, the other waits for the clerk's review) and Debian's chromium (CHROMIUM_PATH to use another).
 * A screen opened by its address that this build does not have (the app falls back to today's work) is skipped
 * with a line saying so. About a minute.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { unitRepository } from '@sohoa/shared';
import { operatorCaller, people, units } from '../../src/accounts/index.ts';
import { DEMO_UNIT } from '../../src/bootstrap.ts';
import { importCertificateExpiringIn, seedOversightDossier } from '../helpers/oversight-fixtures.ts';
import { repoRoot, run, startTestStack } from '../helpers/stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = path.join(repoRoot, 'docs', 'ui');
const SAMPLE = path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png');
/** A certification request: no component of the birth registration fits it, so it waits for the clerk's review. */
const STRAY = path.join(repoRoot, 'samples', 'scans', 'skewed-seal.jpg');
const TODAY_TITLE = 'Việc hôm nay';

if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
await run('npm', ['run', 'build', '-w', '@sohoa/web'], { cwd: repoRoot });
await fs.mkdir(OUT, { recursive: true });
const stack = await startTestStack({ LOG_LEVEL: 'error' });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const { db, store } = stack.runtime;
const operator = operatorCaller();

async function shot(page: Page, name: string) {
  await page.locator('main h1').evaluate((h) => h.blur()).catch(() => {}); // no focus ring in the picture
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/ui/${name}.png`);
}

async function signIn(page: Page, username: string, password: string) {
  await page.locator('#username:focus').waitFor();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.keyboard.press('Enter');
  await page.locator('main h1').waitFor();
}

/**
 * Opens a screen by its address and waits for `ready`; a build without that screen shows today's work instead,
 * and the picture is skipped with a line saying so (screens other branches bring: the archival file, disposition).
 */
async function byAddress(page: Page, address: string, name: string, ready: (page: Page) => Promise<unknown>): Promise<void> {
  await page.goto(`${stack.url}${address}`);
  await page.locator('main h1').waitFor();
  if ((await page.locator('main h1').first().textContent())?.trim() === TODAY_TITLE) {
    console.log(`docs/ui/${name}.png skipped: this build has no screen at ${address}`);
    return;
  }
  await ready(page);
  await shot(page, name);
}

try {
  // The clerk: sign-in, upload, today's work, review, the dossier, the signed record.
  const { password } = await people.createPerson(db, operator, { username: 'lan.nt', displayName: 'Nguyễn Thị Lan', unitCode: DEMO_UNIT.code, roles: [{ role: 'clerk' }] });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  await page.goto(stack.url);
  await page.locator('#username:focus').waitFor();
  await page.locator('#username').fill('lan.nt');
  await shot(page, 'sign-in');
  await page.locator('#password').fill(password);
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Tải lên' }).click();
  await page.locator('#procedure option[value="KS"]').waitFor({ state: 'attached' });
  await page.locator('#procedure').selectOption('KS');
  await page.locator('#files').setInputFiles([SAMPLE, STRAY]);
  await page.getByText('Đã chọn 2 tệp').waitFor();
  await shot(page, 'upload');
  await page.getByRole('button', { name: 'Tải lên', exact: true }).click();
  await page.locator('li.batch').getByText('chờ cán bộ xem lại').waitFor({ timeout: 600_000 }); // OCR on a busy machine takes its time
  await shot(page, 'today');

  await page.getByRole('link', { name: 'Xem lại' }).click();
  await page.locator('article[data-document]').waitFor();
  await shot(page, 'review');
  await page.locator('#component-filter').focus();
  await page.keyboard.type('giay chung sinh');
  await page.keyboard.press('Enter');
  await page.getByTestId('review-empty').waitFor();
  await page.getByRole('link', { name: /^Mở hồ sơ / }).click();
  const archived = page.locator('li[data-document][data-status="archived"]');
  await archived.waitFor({ timeout: 120_000 });
  const dossierCode = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
  await shot(page, 'dossier');
  await archived.getByRole('link', { name: 'Xem bản đã ký' }).click();
  await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
  await shot(page, 'signed-record');

  // The archivist (who also reads the trail): search, the record, the archival file, disposition, integrity.
  const archivist = await people.createPerson(db, operator, {
    username: 'hai.tv', displayName: 'Trần Văn Hải', unitCode: DEMO_UNIT.code, roles: [{ role: 'archivist' }, { role: 'auditor' }],
  });
  const archive = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  await archive.goto(`${stack.url}/search`);
  await signIn(archive, 'hai.tv', archivist.password);
  await archive.locator('#q').fill('to khai khai sinh');
  await archive.locator('li.hit mark').first().waitFor();
  await shot(archive, 'search');
  await archive.locator('li.hit a').first().click();
  await archive.getByTestId('hold-status').waitFor();
  await shot(archive, 'record');

  const closed = await fetch(`${stack.url}/api/v1/dossiers/${encodeURIComponent(dossierCode)}/close`, { method: 'POST', headers: { authorization: `Bearer ${stack.token}` } });
  const file = closed.ok ? ((await closed.json()) as { id: string }).id : null;
  if (file) await byAddress(archive, `/archival-files/${file}`, 'archival-file', (p) => p.locator('main h2').first().waitFor());
  else console.log(`docs/ui/archival-file.png skipped: closing dossier ${dossierCode} answered ${closed.status}`);
  await byAddress(archive, '/disposition', 'disposition', (p) => p.locator('main h2').first().waitFor());

  await archive.goto(`${stack.url}/integrity`);
  await archive.getByTestId('chain').waitFor();
  await archive.getByRole('button', { name: 'Kiểm tra ngay' }).click();
  await archive.getByTestId('fixity-runs').getByText('Xong').first().waitFor({ timeout: 60_000 });
  await archive.getByRole('button', { name: 'Tạo gói BagIt' }).click();
  await archive.getByTestId('export-download').waitFor({ timeout: 60_000 });
  await shot(archive, 'integrity');

  // The inspector of a district: the rate by month against the target, the queue, a certificate about to expire.
  const district = { code: '000.00.00.Q01', name: 'UBND quận Mẫu' };
  await units.addUnit(db, operator, { code: district.code, name: district.name, parent: null, kind: 'district' });
  const wards = [{ code: '000.01.00.P01', name: 'UBND phường Một', share: [5, 6, 8, 9, 9, 10] }, { code: '000.02.00.P02', name: 'UBND phường Hai', share: [4, 5, 7, 8, 6, 6] }];
  let n = 0;
  for (const ward of wards) {
    await units.addUnit(db, operator, { code: ward.code, name: ward.name, parent: district.code, kind: 'ward' });
    const unitId = (await unitRepository.unitByCode(db, ward.code))!.id;
    const now = new Date();
    // Six months, ten dossiers each: `share` of them complete (both required components), the rest missing one.
    for (const [back, complete] of ward.share.entries()) {
      const month = 5 - back;
      const receivedAt = month === 0 ? new Date(now.getTime() - 3_600_000) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - month, 10, 3));
      for (let i = 0; i < 10; i += 1) {
        n += 1;
        await seedOversightDossier(db, store, {
          unitId, code: `${ward.code}-261203-${String(n).padStart(4, '0')}`, procedure: 'KS', receivedAt,
          archived: i < complete ? ['KS-TK', 'KS-GCS'] : ['KS-TK'], unreadPages: month === 0 && i === 0 ? 4 : 0, pagesEach: 2,
        });
      }
    }
  }
  await importCertificateExpiringIn(stack, district.code, district.name, 21);
  const inspector = await people.createPerson(db, operator, {
    username: 'tra.pv', displayName: 'Phạm Văn Tra', unitCode: district.code, roles: [{ role: 'unit-admin' }, { role: 'auditor' }],
  });
  const oversight = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  await oversight.goto(`${stack.url}/dashboard`);
  await signIn(oversight, 'tra.pv', inspector.password);
  await oversight.getByTestId('rate-chart').waitFor();
  await oversight.getByTestId('certificates').waitFor();
  await shot(oversight, 'dashboard');
} finally {
  await browser.close();
  await stack.stop();
}
