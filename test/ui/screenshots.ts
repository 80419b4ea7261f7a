/**
 * `npm run screenshots`: the web UI's main screens at 1366×768, in Vietnamese, into docs/ui/*.png. Runs the real
 * server on the embedded default in a fresh data folder (workers on: the uploaded sample page is read, signed and
 * archived) and Debian's chromium (CHROMIUM_PATH to use another). About half a minute.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { operatorCaller, people } from '../../src/accounts/index.ts';
import { DEMO_UNIT } from '../../src/bootstrap.ts';
import { disposition } from '@sohoa/archive-api';
import { archivedRecord, backdate } from '../helpers/records.ts';
import { repoRoot, run, startTestStack } from '../helpers/stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = path.join(repoRoot, 'docs', 'ui');
const SAMPLE = path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png');

if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
await run('npm', ['run', 'build', '-w', '@sohoa/web'], { cwd: repoRoot });
await fs.mkdir(OUT, { recursive: true });
const stack = await startTestStack({ LOG_LEVEL: 'error' });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  const { password } = await people.createPerson(stack.runtime.db, operatorCaller(), { username: 'lan.nt', displayName: 'Nguyễn Thị Lan', unitCode: DEMO_UNIT.code, roles: [{ role: 'clerk' }] });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(OUT, `${name}.png`) });
    console.log(`docs/ui/${name}.png`);
  };

  await page.goto(stack.url);
  await page.locator('#username:focus').waitFor();
  await page.locator('#username').fill('lan.nt');
  await shot('sign-in');
  await page.locator('#password').fill(password);
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Tải lên' }).click();
  await page.locator('#procedure option[value="KS"]').waitFor({ state: 'attached' });
  await page.locator('#procedure').selectOption('KS');
  await page.locator('#files').setInputFiles(SAMPLE);
  await page.getByText('Đã chọn 1 tệp').waitFor();
  await shot('upload');
  await page.getByRole('button', { name: 'Tải lên', exact: true }).click();
  await page.locator('li.batch[data-status="done"]').waitFor({ timeout: 180_000 });
  await page.locator('main h1').evaluate((h) => h.blur()); // no focus ring in the picture
  await shot('today');

  // The archivist's search and record, on the record just archived (its OCR text).
  const archivist = await people.createPerson(stack.runtime.db, operatorCaller(), { username: 'hai.tv', displayName: 'Trần Văn Hải', unitCode: DEMO_UNIT.code, roles: [{ role: 'archivist' }] });
  const archive = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  await archive.goto(`${stack.url}/search`);
  await archive.locator('#username:focus').waitFor();
  await archive.locator('#username').fill('hai.tv');
  await archive.locator('#password').fill(archivist.password);
  await archive.keyboard.press('Enter');
  await archive.locator('#q').fill('to khai khai sinh');
  await archive.locator('li.hit mark').first().waitFor();
  await archive.screenshot({ path: path.join(OUT, 'search.png') });
  console.log('docs/ui/search.png');
  await archive.locator('li.hit a').first().click();
  await archive.getByTestId('hold-status').waitFor();
  await archive.locator('[data-testid="pdf-page"][data-rendered="true"]').waitFor({ timeout: 30_000 }); // the PDF at the hit's page
  await archive.screenshot({ path: path.join(OUT, 'record.png') });
  console.log('docs/ui/record.png');

  // The archival file of that record's dossier (closed here), and disposition with one record due.
  const { metadata } = await (await fetch(`${stack.url}/api/v1/records/${new URL(archive.url()).pathname.split('/').at(-1)}`, { headers: { authorization: `Bearer ${stack.token}` } })).json();
  await fetch(`${stack.url}/api/v1/dossiers/${metadata.dossierCode}/close`, { method: 'POST', headers: { authorization: `Bearer ${stack.token}` } });
  await archive.reload();
  await archive.getByRole('button', { name: 'Mở hồ sơ lưu trữ chứa văn bản này' }).click();
  await archive.getByTestId('file-history').locator('li').first().waitFor();
  await archive.locator('main h1').evaluate((h) => h.blur());
  await archive.screenshot({ path: path.join(OUT, 'archival-file.png') });
  console.log('docs/ui/archival-file.png');
  const due = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
  await backdate(stack.runtime, due.recordId, '2020-12-31');
  await disposition.scanDue(stack.runtime.db);
  await archive.getByRole('link', { name: 'Hủy tài liệu' }).click();
  await archive.getByTestId('due').locator('li').first().waitFor();
  await archive.locator(`#due-${due.recordId}`).check();
  await archive.locator('main h1').evaluate((h) => h.blur());
  await archive.screenshot({ path: path.join(OUT, 'disposition.png') });
  console.log('docs/ui/disposition.png');
} finally {
  await browser.close();
  await stack.stop();
}
