import { readFileSync } from 'node:fs';
import { threadNiceness } from '@sohoa/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { OcrError } from '../errors.ts';
import { pbm } from '../cleanup/raster.ts';
import { archivalJpeg, preparePage, rotateRaster } from '../page-cleanup.ts';
import { createPagePool } from './page-pool.ts';

const scan = readFileSync(new URL('../../../../samples/scans/skewed-seal.jpg', import.meta.url));

/** The longest the event loop went without running a 5 ms timer while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

describe('page work off the event loop', () => {
  const pool = createPagePool(1);
  afterAll(() => pool.close());

  it('cleans a page in a worker thread with the same result, and the event loop keeps turning meanwhile', async () => {
    await pool.prepare(scan, { dpi: 300 }); // thread start-up is not the page's
    let inline: Awaited<ReturnType<typeof preparePage>> | undefined;
    let threaded: Awaited<ReturnType<typeof preparePage>> | undefined;
    const onLoop = await longestStall(async () => (inline = await preparePage(scan, { dpi: 300 })));
    // The thread's stall is only the scheduler's on a busy machine: the least of three tries is the one to compare.
    let offLoop = Infinity;
    for (let run = 0; run < 3; run++) offLoop = Math.min(offLoop, await longestStall(async () => (threaded = await pool.prepare(scan, { dpi: 300 }))));
    console.log(`longest event-loop stall: cleanup on the loop ${onLoop.toFixed(0)} ms, in the thread ${offLoop.toFixed(0)} ms`);
    expect(threaded!.cleaned.skew).toEqual(inline!.cleaned.skew);
    expect(Buffer.isBuffer(threaded!.cleaned.page.pixels)).toBe(true);
    expect(Buffer.compare(threaded!.cleaned.page.pixels, inline!.cleaned.page.pixels)).toBe(0);
    expect(Buffer.from(threaded!.binary!.data).equals(Buffer.from(inline!.binary!.data))).toBe(true);
    expect(offLoop).toBeLessThan(onLoop / 2);
  });

  it('encodes the archival JPEG in the thread, as scanned and turned, as the event loop would from the colour raster', async () => {
    const inline = await preparePage(scan, { dpi: 300 });
    const archived = await pool.archive(scan, { dpi: 300 }, 80, undefined);
    expect(archived).not.toHaveProperty('cleaned.page');
    expect({ ...archived.cleaned, width: undefined, height: undefined }).toEqual({ ...inline.cleaned, page: undefined, width: undefined, height: undefined });
    expect([archived.cleaned.width, archived.cleaned.height]).toEqual([inline.cleaned.page.width, inline.cleaned.page.height]);
    expect(Buffer.from(archived.binary!.data).equals(Buffer.from(inline.binary!.data))).toBe(true);
    expect(inline.cleaned.skew.lines).toBe('horizontal'); // so the thread encodes it as scanned, and only so
    expect(Object.keys(archived.images)).toEqual(['0']);
    // Tesseract's first reading (as scanned) gets the PBM the thread packed, the same bytes the event loop would pack.
    expect(Buffer.isBuffer(archived.pbm)).toBe(true);
    expect(archived.pbm!.equals(pbm(inline.binary!))).toBe(true);
    expect(archived.images[0]!.equals(await archivalJpeg(inline.cleaned.page, inline.cleaned.dpi, 80))).toBe(true);
    const turned = await pool.turned(scan, { dpi: 300 }, 90, 80);
    expect(turned.equals(await archivalJpeg(await rotateRaster(inline.cleaned.page, 90), inline.cleaned.dpi, 80))).toBe(true);
  });

  it('reports a page the cleanup refuses as an OCR error, and goes on', async () => {
    const refused = pool.prepare(Buffer.from('not an image'), {});
    await expect(refused).rejects.toThrow(/not a readable image/);
    await expect(refused).rejects.toBeInstanceOf(OcrError);
    expect((await pool.prepare(scan, { dpi: 300 })).binary).not.toBeNull();
  });
});

describe('page threads at a lower CPU priority (OCR_THREAD_NICE)', () => {
  it.runIf(process.platform === 'linux')('lowers each page thread to the niceness asked, and only them', async () => {
    const loop = () => threadNiceness().find((t) => t.tid === process.pid)!.nice;
    const before = loop();
    expect(before).toBeLessThan(7); // else the test would prove nothing
    const lowered = () => threadNiceness().filter((t) => t.nice === 7).length;
    expect(lowered()).toBe(0);
    const niced = createPagePool(2, 7);
    try {
      await Promise.all([niced.readCodes(scan), niced.readCodes(scan)]); // both threads started and working
      expect(lowered()).toBeGreaterThanOrEqual(2);
      expect(loop()).toBe(before); // the event loop's thread keeps its priority
    } finally {
      await niced.close();
    }
  });
});
