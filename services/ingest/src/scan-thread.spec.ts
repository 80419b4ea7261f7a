import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { threadNiceness } from '@sohoa/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { readScan, ScanRejected } from './scan-reader.ts';
import { scanThreads } from './scan-thread.ts';
import { tiffClaiming } from './testing/index.ts';

/** A page of `size` × `size` points with a line of text: at 200 dpi, 3600 pt is 10000 × 10000 px. */
async function bigPagePdf(size: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([size, size]);
  page.drawText('TO KHAI', { x: 72, y: size - 144, size: 48, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}


describe('scan threads', () => {
  const scans = scanThreads({ threads: 1, timeoutMs: 120_000 });
  afterAll(() => scans.close());

  it('reads what readScan reads, and refuses what it refuses, with the same reason', async () => {
    const png = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const [page] = await scans.read(png);
    expect(page).toMatchObject({ index: 0, format: 'png', width: 300, height: 400 });
    expect(Buffer.isBuffer(page!.image)).toBe(true);
    expect(page!.image.equals(png)).toBe(true);
    const refused = await scans.read(Buffer.from('PK\u0003\u0004')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ScanRejected);
    expect((refused as ScanRejected).reason).toBe("not an image or PDF (starts with 'PK')");
  });

  it('refuses a 1 KB TIFF of ten 10000 × 9990 pages from its headers, in well under a second of work', async () => {
    const tiff = tiffClaiming(10, 10_000, 9_990);
    expect(tiff.length).toBeLessThan(2048);
    const started = Date.now();
    const error = await readScan(tiff).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((error as ScanRejected).reason).toBe('the pages up to page 7 hold 699 megapixels in all, over the 600 megapixel limit per file: split the file');
    expect(((await scans.read(tiff, { maxFilePixels: 250_000_000 }).catch((e: unknown) => e)) as ScanRejected).reason).toMatch(/up to page 3 hold 300 megapixels/);
  });

  it('keeps the event loop answering while a 3600 × 3600 pt PDF page is rasterized', async () => {
    // A stand-in for /healthz on the same event loop: a plain HTTP answer, timed from outside the loop's own clock.
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const pdf = await bigPagePdf(3600);
    const reading = scans.read(pdf);
    let done = false;
    void reading.finally(() => (done = true)).catch(() => {});
    const latencies: number[] = [];
    while (!done) {
      const started = performance.now();
      await (await fetch(url)).text();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [page] = await reading;
    server.close();
    expect(page).toMatchObject({ width: 10_000, height: 10_000, dpi: 200 });
    expect(latencies.length).toBeGreaterThan(5); // the page took a while: the loop was asked throughout
    // On the main thread the same page held the loop for seconds (issue 13: /healthz stalled 6 s).
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});

describe('scan threads at a lower CPU priority (OCR_THREAD_NICE)', () => {
  it.runIf(process.platform === 'linux')('read at the niceness asked, and leave the event loop as it was', async () => {
    const loop = () => threadNiceness().find((t) => t.tid === process.pid)!.nice;
    const before = loop();
    expect(before).toBeLessThan(8);
    const niced = scanThreads({ threads: 1, nice: 8 });
    try {
      const png = await sharp({ create: { width: 30, height: 40, channels: 3, background: '#ffffff' } }).png().toBuffer();
      await niced.read(png); // the thread stays for the next file: it is there to be looked at
      expect(threadNiceness().filter((t) => t.nice === 8).length).toBeGreaterThanOrEqual(1);
      expect(loop()).toBe(before);
    } finally {
      await niced.close();
    }
  });
});

describe('scan threads end when idle (SCAN_THREAD_IDLE_MS)', () => {
  it.runIf(process.platform === 'linux')('end a thread left without a file for the idle time, and start one again for the next file', async () => {
    // The niceness marks this pool's thread among the process's threads.
    const ours = () => threadNiceness().filter((t) => t.nice === 9).length;
    const pool = scanThreads({ threads: 1, nice: 9, idleMs: 300 });
    try {
      const png = await sharp({ create: { width: 30, height: 40, channels: 3, background: '#ffffff' } }).png().toBuffer();
      await pool.read(png);
      expect(ours()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(ours()).toBe(0); // its WebAssembly memory went with it
      await pool.read(png);
      expect(ours()).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
