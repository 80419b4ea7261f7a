import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, resolveDpi } from './decode.ts';

describe('decoding a scan', () => {
  it('refuses images over the pixel limit with a clear error', async () => {
    const big = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#fff' } }).png().toBuffer();
    await expect(decodeImage(big, 1_000_000)).rejects.toThrow(/2000x1000.*exceeds the limit of 1\.0 MP/);
    await expect(decodeImage(big, 3_000_000)).resolves.toMatchObject({ width: 2000, height: 1000, channels: 3 });
  });

  it('keeps grey scans grey and reads their density', async () => {
    const grey = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#888' } })
      .toColourspace('b-w')
      .withDensity(300)
      .png()
      .toBuffer();
    const decoded = await decodeImage(grey);
    expect(decoded.channels).toBe(1);
    expect(resolveDpi(undefined, decoded)).toBe(300);
  });

  it('estimates dpi from an A4 width when the file has none, within 150..600', () => {
    expect(resolveDpi(undefined, { width: 2480, height: 3508 })).toBe(300);
    expect(resolveDpi(undefined, { width: 800, height: 1100 })).toBe(150);
    expect(resolveDpi(undefined, { width: 9000, height: 12000 })).toBe(600);
    expect(resolveDpi(250, { width: 2480, height: 3508, density: 300 })).toBe(250);
  });
});
