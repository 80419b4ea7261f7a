import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { lowerThreadsNamed, threadNiceness } from './thread-niceness.ts';

const vipsWork = () => sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#808080' } }).blur(3).jpeg().toBuffer();

describe('threads lowered by name', () => {
  it.runIf(process.platform === 'linux')("lowers libvips's workers, those started later too, and not the event loop", async () => {
    const loop = () => threadNiceness().find((t) => t.tid === process.pid)!.nice;
    const before = loop();
    expect(before).toBeLessThan(12);
    await vipsWork();
    const vips = () => threadNiceness().filter((t) => t.name === 'libvips worker');
    expect(vips().length).toBeGreaterThan(0);
    expect(vips().some((t) => t.nice !== 12)).toBe(true);
    const sweeping = lowerThreadsNamed('libvips worker', 12, 50);
    try {
      expect(vips().every((t) => t.nice === 12)).toBe(true);
      await Promise.all([vipsWork(), vipsWork(), vipsWork()]); // may start more workers
      await new Promise((r) => setTimeout(r, 200));
      expect(vips().every((t) => t.nice === 12)).toBe(true);
      expect(loop()).toBe(before);
      expect(threadNiceness().filter((t) => t.nice === 12 && t.name !== 'libvips worker')).toEqual([]);
    } finally {
      sweeping.stop();
    }
  });
});
