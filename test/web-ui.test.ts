/**
 * The web UI in a real browser: Debian's chromium driven by playwright-core, against the real server on the
 * embedded default (workers on). A clerk signs in from the keyboard, uploads one scanned page, and watches the
 * batch go to done under today's work; axe-core finds no serious or critical violation on any screen, and the
 * page's CSP is never violated. Also the two API routes the UI added (GET /batches, GET /catalog/procedures).
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorCaller, people, units } from '../src/accounts/index.ts';
import { DEMO_UNIT, readCredentials } from '../src/bootstrap.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { repoRoot, startTestStack, type TestStack } from './helpers/stack.ts';
import { axeProblems, launchBrowser } from './helpers/browser.ts';

const SAMPLE = path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png');
const OTHER_WARD = { code: '000.00.00.H99', name: 'UBND phường Khác' };


describe('the web UI', () => {
  let stack: TestStack;
  let browser: Browser;
  let clerk: { username: string; password: string };
  let otherClerk: { username: string; password: string };
  const admin = () => ({ authorization: `Bearer ${stack.token}` });

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startTestStack(),
      launchBrowser(),
    ]);
    const username = 'clerk.web';
    const { password } = await people.createPerson(stack.runtime.db, operatorCaller(), { username, displayName: 'Nguyễn Thị Lan', unitCode: DEMO_UNIT.code, roles: [{ role: 'clerk' }] });
    clerk = { username, password };
    await units.addUnit(stack.runtime.db, operatorCaller(), { code: OTHER_WARD.code, name: OTHER_WARD.name, parent: null, kind: 'ward' });
    const other = await people.createPerson(stack.runtime.db, operatorCaller(), { username: 'clerk.other', unitCode: OTHER_WARD.code, roles: [{ role: 'clerk' }] });
    otherClerk = { username: 'clerk.other', password: other.password };
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('GET /api/v1/catalog/procedures lists the latest catalog\'s procedures with their components', async () => {
    const url = `${stack.url}/api/v1/catalog/procedures`;
    const r = await fetch(url, { headers: admin() });
    await expectResponseConforms('GET', url, r.clone());
    const body = await r.json();
    expect(body.version).toBeGreaterThan(0);
    const ks = body.procedures.find((p: any) => p.code === 'KS');
    expect(ks.components.map((c: any) => c.code)).toContain('KS-TK');
    expect((await fetch(url)).status).toBe(401);
  });

  it('GET /api/v1/batches refuses a time that is none', async () => {
    const url = `${stack.url}/api/v1/batches?since=yesterday-ish`;
    const r = await fetch(url, { headers: admin() });
    await expectResponseConforms('GET', url, r.clone());
    expect(r.status).toBe(422);
  });

  it('a clerk signs in from the keyboard, uploads a page (and drops a broken one), and sees it archived (and that quarantined) under today\'s work; no a11y or CSP problem', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    // Every failed request by its address, but the session's 401s the app expects (nobody signed in yet, the wrong password, signed out).
    const failed: string[] = [];
    page.on('response', (r) => r.status() >= 400 && !(r.status() === 401 && r.url().endsWith('/api/v1/session')) && failed.push(`${r.status()} ${r.url()}`));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`)));

    // First screen interactive: from navigation to the sign-in field focused and ready for typing.
    const started = performance.now();
    await page.goto(stack.url);
    await page.locator('#username:focus').waitFor();
    const interactiveMs = Math.round(performance.now() - started);
    console.log(`web UI: first screen interactive in ${interactiveMs} ms`);
    expect(interactiveMs).toBeLessThan(3000); // the target is 1.5 s on an idle machine; this one is shared
    expect(await page.locator('h1').textContent()).toBe('Đăng nhập');
    expect(await axeProblems(page)).toEqual([]);

    // Keyboard only: a wrong password first, said in words, then the right one.
    await page.keyboard.type(clerk.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    await page.locator('#password').fill('');
    await page.locator('#password').focus();
    await page.keyboard.type(clerk.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Việc hôm nay' }).waitFor();
    expect(await page.getByTestId('unit').textContent()).toBe(`Đơn vị: ${DEMO_UNIT.name}`);
    await page.getByText('Hôm nay chưa có lô hồ sơ nào').waitFor();
    expect(await axeProblems(page)).toEqual([]);

    // Upload, from the keyboard: the nav link, the procedure, the file picker, the submit button.
    await page.getByRole('link', { name: 'Tải lên' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Tải lên hồ sơ' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/upload');
    await page.locator('#procedure option[value="KS"]').waitFor({ state: 'attached' });
    await page.locator('#procedure').focus();
    for (let i = 0; i < 10 && (await page.locator('#procedure').inputValue()) !== 'KS'; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('#procedure').inputValue()).toBe('KS');
    await page.locator('#files').focus();
    await page.locator('#files:focus').waitFor();
    // Space on the focused picker opens the chooser. On a loaded CI machine Chromium once let a first Space go by with
    // no chooser (the picker focused, nothing on screen changed): a clerk would press it again, and so does the test.
    const pickWithSpace = () => Promise.all([page.waitForEvent('filechooser', { timeout: 10_000 }), page.keyboard.press('Space')]).then(([c]) => c);
    const chooser = await pickWithSpace().catch(pickWithSpace);
    await chooser.setFiles(SAMPLE);
    await page.getByText('Đã chọn 1 tệp').waitFor();
    // With the mouse, files are dropped: a "scan" that is no image, which the pipeline will quarantine.
    await page.locator('.drop').evaluate((zone) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['this is no image'], 'hỏng.png', { type: 'image/png' }));
      dt.items.add(new File(['notes'], 'ghi-chú.txt', { type: 'text/plain' })); // no scan: left out
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.getByText('Đã chọn 2 tệp').waitFor();
    expect(await page.locator('.chosen li').allTextContents()).toEqual([expect.stringContaining('ks-tokhai-p1.png'), expect.stringContaining('hỏng.png')]);
    expect(await axeProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Tải lên', exact: true }).focus();
    const uploadedAt = performance.now();
    await page.keyboard.press('Enter');

    // Today's work: the new batch, polled until done, its page counted and its document archived, in words.
    await page.getByRole('heading', { level: 1, name: 'Việc hôm nay' }).waitFor();
    const batch = page.locator('li.batch').first();
    await batch.waitFor();
    expect(await batch.locator('h2').textContent()).toMatch(/^Hồ sơ .+/);
    expect(await batch.textContent()).toContain('Thủ tục: KS');
    expect(await batch.textContent()).toContain('ks-tokhai-p1.png');
    await batch.and(page.locator('[data-status="done"]')).waitFor({ timeout: 120_000 });
    console.log(`web UI: the uploaded page shown done after ${Math.round(performance.now() - uploadedAt)} ms`);
    expect(await batch.locator('.status').textContent()).toBe('Hoàn thành');
    expect(await batch.textContent()).toContain('1/1 trang đã xử lý');
    expect(await batch.locator('.problem').first().textContent()).toMatch(/^Tệp hỏng\.png bị cách ly: \S+/);
    expect(await batch.getByRole('link', { name: 'Tải tệp bị cách ly' }).getAttribute('href')).toMatch(/^\/api\/v1\/quarantine\/[0-9a-f-]{36}\/file$/);
    expect(await batch.locator('[data-document]').first().textContent()).toMatch(/Văn bản 1: .+ — Đã lưu trữ/);
    expect(await axeProblems(page)).toEqual([]);

    // The same answer the UI shows, from the API, as its contract says.
    const since = new Date(Date.now() - 3600_000).toISOString();
    const listUrl = `${stack.url}/api/v1/batches?since=${encodeURIComponent(since)}`;
    const list = await fetch(listUrl, { headers: admin() });
    await expectResponseConforms('GET', listUrl, list.clone());
    const listed = (await list.json()).batches;
    expect(listed.map((b: any) => b.id)).toContain(await batch.getAttribute('data-batch'));
    expect((await (await fetch(`${stack.url}/api/v1/batches?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { headers: admin() })).json()).batches).toEqual([]);

    // English is a switch away, and stays after a reload; the session stays too.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { level: 1, name: "Today's work" }).waitFor();
    expect(await batch.locator('.status').textContent()).toBe('Done');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: "Today's work" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    // Signing out ends the session: back to the sign-in screen, and the API says 401.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect((await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status)))).toBe(401);

    // The accessibility check can fail: an image without a text alternative is a critical violation.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="/favicon.svg">'));
    expect((await axeProblems(page)).join('\n')).toMatch(/^image-alt \(critical\)/m);

    expect(failed).toEqual([]);
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await context.close();
  }, 150_000);

  it('a clerk of another ward signs in and sees none of it (in English, chosen before in this browser), and is sent back to sign in when the session ends', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.addInitScript(() => localStorage.setItem('sohoa.lang', 'en'));
    await page.goto(`${stack.url}/upload`); // a page path straight away: the app, which asks to sign in first
    await page.locator('#username:focus').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    await page.keyboard.type(otherClerk.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(otherClerk.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Upload a dossier' }).waitFor();
    expect(await page.getByTestId('unit').textContent()).toBe(`Unit: ${OTHER_WARD.name}`);
    await page.getByRole('link', { name: "Today's work" }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('No batch today yet').waitFor();
    expect(await page.locator('li.batch').count()).toBe(0);
    // The ward's own API answer says the same: nothing of the other ward, however far back it looks.
    expect(await page.evaluate(() => fetch('/api/v1/batches?since=2000-01-01T00:00:00Z').then((r) => r.json()))).toEqual({ batches: [] });

    // A session that has ended (here: its cookie gone) sends the clerk back to sign in, saying why.
    await context.clearCookies();
    await page.getByRole('link', { name: 'Upload' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Your session has ended. Please sign in again.');
    await context.close();
  }, 60_000);

  it('the admin of data/credentials.json signs in, as the README says, and sees the ward\'s batch of today', async () => {
    const { admin } = (await readCredentials(path.join(stack.dataDir, 'credentials.json')))!;
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(stack.url);
    await page.locator('#username:focus').waitFor();
    await page.keyboard.type(admin!.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(admin!.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Việc hôm nay' }).waitFor();
    await page.locator('li.batch[data-status="done"]').first().waitFor();
    expect(await page.locator('li.batch').count()).toBe(1); // the clerk's upload: an admin sees every unit's
    await context.close();
  }, 60_000);
});
