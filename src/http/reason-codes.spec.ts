import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScan } from '@sohoa/ingest';
import { reasonCode } from './reason-codes.ts';

/** What the scan reader really says about a refused file (its words, not copies of them). */
async function refusal(bytes: Uint8Array, options: Parameters<typeof readScan>[1] = {}): Promise<string> {
  try {
    await readScan(bytes, options);
  } catch (err) {
    return (err as { reason: string }).reason;
  }
  throw new Error('the scan was taken');
}

describe('reasonCode', () => {
  it('gives the scan reader\'s refusals their codes', async () => {
    const jpeg = await readFile(path.join(import.meta.dirname, '..', '..', 'samples', 'scans', 'skewed-seal.jpg'));
    expect(reasonCode(await refusal(new Uint8Array()))).toBe('empty-file');
    expect(reasonCode(await refusal(new TextEncoder().encode('PK\u0003\u0004 a zip, not a scan')))).toBe('not-a-scan');
    expect(reasonCode(await refusal(Buffer.concat([jpeg.subarray(0, 4), randomBytes(64)])))).toBe('corrupt-file');
    expect(reasonCode(await refusal(jpeg, { maxPixels: 1000 }))).toBe('page-too-large');
  });

  it('gives the jobs\' failures their codes, and none to words it does not know', () => {
    expect(reasonCode('OCR failed: worker crashed')).toBe('ocr-failed');
    expect(reasonCode('the document could not be built: out of memory')).toBe('build-failed');
    expect(reasonCode('signing failed: no active certificate')).toBe('signing-failed');
    expect(reasonCode('archiving refused: unsafe key')).toBe('archiving-failed');
    expect(reasonCode('unknown unit "000.00.00.Z99"')).toBe('unknown-unit');
    expect(reasonCode('something nobody foresaw')).toBeNull();
    expect(reasonCode(null)).toBeNull();
  });
});
