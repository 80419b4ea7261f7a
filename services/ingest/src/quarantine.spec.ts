import { describe, expect, it } from 'vitest';
import { assertObjectKey } from '@sohoa/shared';
import { quarantineKey, quarantineName } from './quarantine.ts';

const batchId = '6f1d2c4e-8a1b-4c3d-9e2f-0a1b2c3d4e5f';
// The longest suffix the embedded S3 endpoint (s3rver) adds to a key's last segment on its disk.
const endpointSuffix = '._S3rver_metadata.json';

describe('quarantine keys', () => {
  it('keeps a 244-byte Vietnamese name, and its .reason.txt, within a file name of 255 bytes on the endpoint', () => {
    const key = quarantineKey({ batchId, position: 0 }, `${'ệ'.repeat(80)}.tif`);
    assertObjectKey(key);
    const segment = key.split('/').pop()!;
    expect(segment).toMatch(/^1-ệ+\.tif$/); // cut between letters, extension kept
    expect(Buffer.byteLength(`${segment}.reason.txt${endpointSuffix}`)).toBeLessThanOrEqual(255);
    expect(key).toBe(`quarantine/${batchId}/${segment}`);
  });

  it('names never leave the batch folder', () => {
    expect(quarantineName(0, '../../etc/passwd')).toBe('1-passwd');
    expect(quarantineName(0, '..')).toBe('1-file');
    expect(quarantineName(2, 'scan..tif')).toBe('3-scan.tif'); // ".." is refused in a key segment
    expect(quarantineName(0, 'a\\b\u0000c.jpg')).toBe('1-bc.jpg');
    for (const name of ['../x', '..\\..\\x', 'C:\\scans\\a.tif', '\u0007.', '....']) {
      const key = quarantineKey({ batchId, position: 4 }, name);
      assertObjectKey(key);
      expect(key.split('/')).toHaveLength(3);
      expect(key.startsWith(`quarantine/${batchId}/5-`)).toBe(true);
    }
  });

  it('puts a hot-folder file that made no batch under quarantine/inbox/<id>/', () => {
    expect(quarantineKey({ inboxId: batchId }, 'Tờ khai.pdf')).toBe(`quarantine/inbox/${batchId}/1-Tờ khai.pdf`);
  });
});
