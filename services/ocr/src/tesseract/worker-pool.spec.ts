import { threadNiceness } from '@sohoa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcrError } from '../errors.ts';
import { toRotation } from '../cleanup/orientation.ts';
import { renderPage, rotatePage, SAMPLE_LINES } from '../testing/render.ts';
import { TesseractPool } from './worker-pool.ts';

describe('tesseract worker pool', () => {
  let pool: TesseractPool;
  let line: Buffer;
  beforeAll(async () => {
    pool = new TesseractPool({ workers: 1, recycleAfterPages: 2 });
    await pool.start();
    line = await renderPage({ lines: ['Ủy ban nhân dân'], dpi: 200 });
    const upright = await renderPage({ lines: SAMPLE_LINES.slice(0, 8), dpi: 150 });
    turned = { 90: await rotatePage(upright, 90), 270: await rotatePage(upright, 270) };
  });
  afterAll(() => pool?.close());

  it('turns a tesseract failure into a rejected call, not a crash', async () => {
    await expect(pool.run((s) => s.recognize(Buffer.from('garbage, not a picture'), 200))).rejects.toBeInstanceOf(OcrError);
  });

  it('keeps serving pages in order through recycling', async () => {
    const before = pool.stats();
    const texts = await Promise.all([1, 2, 3, 4].map(() => pool.run(async (s) => (await s.recognize(line, 200)).text)));
    for (const text of texts) expect(text).toContain('Ủy ban nhân dân');
    const after = pool.stats();
    // One worker, recycled after every 2 pages: pages 1–2 on one worker, 3–4 on a fresh one, then replaced again.
    expect(after.recycled - before.recycled).toBe(2);
    expect(after.workersStarted - before.workersStarted).toBe(2);
    expect(after.replacedBroken).toBe(before.replacedBroken);
  });

  it('refuses work after close', async () => {
    const closing = new TesseractPool({ workers: 1 });
    await closing.start();
    await closing.close();
    await expect(closing.run(async () => 1)).rejects.toThrow(/closed/);
  });

  /** A page turned a quarter each way, both sent for detection at once: each answer with the turn it was asked about. */
  let turned: Record<90 | 270, Buffer>;
  const bothTurnsAtOnce = (on: TesseractPool) =>
    Promise.all(([90, 270] as const).map((turn) => on.run(async (s) => ({ turn, rotation: toRotation((await s.detect(turned[turn], 150)).orientation_degrees) }))));

  it('serves every slot from one orientation worker, one detection at a time, recycled like a recognizer', async () => {
    const shared = new TesseractPool({ workers: 2, recycleAfterPages: 2 });
    await shared.start();
    try {
      // Both slots ask at once, twice: each answer is its own page's (no slot's resolution or image in between).
      for (let round = 0; round < 2; round++) {
        const answers = await bothTurnsAtOnce(shared);
        for (const { turn, rotation } of answers) expect(rotation).toBe((360 - turn) % 360);
      }
      // Four detections, the orientation worker recycled after every two: two started, not one per slot and round.
      expect(shared.stats().osdStarted).toBe(2);
    } finally {
      await shared.close();
    }
  });

  it('runs a detection only after the one before it is done: one retired after its detection never cuts off the next', async () => {
    // Recycled after every detection: if two ran at once on the shared worker, the first one's end would retire
    // (terminate) the worker under the second, which then never answers.
    const once = new TesseractPool({ workers: 2, recycleAfterPages: 1 });
    await once.start();
    try {
      let timer: NodeJS.Timeout | undefined;
      const cutOff = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('a detection never answered: its worker was retired while it ran')), 30_000);
      });
      const answers = await Promise.race([
        bothTurnsAtOnce(once),
        cutOff,
      ]).finally(() => clearTimeout(timer));
      for (const { turn, rotation } of answers) expect(rotation).toBe((360 - turn) % 360);
      expect(once.stats().osdStarted).toBe(2); // each detection on a worker of its own, one after the other
    } finally {
      await once.close();
    }
  }, 60_000);

  it('retires the orientation worker once no detection came for a while, and starts another on the next one', async () => {
    const idle = new TesseractPool({ workers: 2, osdIdleMs: 300 });
    await idle.start();
    const threads = () => (process.platform === 'linux' ? threadNiceness().length : 0);
    try {
      for (const { turn, rotation } of await bothTurnsAtOnce(idle)) expect(rotation).toBe((360 - turn) % 360);
      // Back to back, the two detections shared one worker, and it was not retired between them.
      expect(idle.stats()).toMatchObject({ osdStarted: 1, osdRetiredIdle: 0 });
      const withOsd = threads();
      for (let waited = 0; idle.stats().osdRetiredIdle === 0 && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(idle.stats().osdRetiredIdle).toBe(1);
      if (process.platform === 'linux') {
        // Its thread is gone: a terminated worker's thread exits a moment after the pool let go of it.
        for (let waited = 0; threads() >= withOsd && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
        expect(threads()).toBeLessThan(withOsd);
      }
      const [again] = await Promise.all([idle.run(async (s) => toRotation((await s.detect(turned[90], 150)).orientation_degrees))]);
      expect(again).toBe(270);
      expect(idle.stats()).toMatchObject({ osdStarted: 2, osdRetiredIdle: 1 });
    } finally {
      await idle.close();
    }
  }, 60_000);
});

describe('tesseract threads at a lower CPU priority (OCR_THREAD_NICE)', () => {
  it.runIf(process.platform === 'linux')('start through our wrapper at the niceness asked, read as before, and leave the event loop as it was', async () => {
    const loop = () => threadNiceness().find((t) => t.tid === process.pid)!.nice;
    const before = loop();
    expect(before).toBeLessThan(6);
    const lowered = () => threadNiceness().filter((t) => t.nice === 6).length;
    expect(lowered()).toBe(0);
    const niced = new TesseractPool({ workers: 2, threadNice: 6 });
    await niced.start();
    try {
      expect(lowered()).toBe(2); // one thread per recognizer, nothing else of the process
      const text = await niced.run(async (s) => (await s.recognize(await renderPage({ lines: ['Ủy ban nhân dân'], dpi: 200 }), 200)).text);
      expect(text).toContain('Ủy ban nhân dân');
      expect(loop()).toBe(before);
    } finally {
      await niced.close();
    }
  });
});
