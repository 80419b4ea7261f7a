import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { writeBag, type BagPayloadFile } from '@sohoa/archive-api';
import { checkBag, unpackZip } from './helpers/bagit-checker.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const payloadFile = (p: string, bytes: Buffer, claimed = sha256(bytes)): BagPayloadFile => ({ path: p, size: bytes.length, sha256: claimed, open: () => Readable.from([bytes]) });
const info = { sourceOrganization: 'UBND phường Mẫu', externalIdentifier: 'F-1', externalDescription: 'Hồ sơ\nđăng ký', baggingDate: new Date('2026-12-02T00:00:00Z') };

async function zipOf(bag: { stream: Readable }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of bag.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const dirs: string[] = [];
async function unpacked(zip: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bag-'));
  dirs.push(dir);
  await unpackZip(zip, dir);
  return path.join(dir, 'bag-1');
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('BagIt writer against a checker written from RFC 8493', () => {
  const files = () => [
    payloadFile('F-1/001-a.pdf', Buffer.from('%PDF-1.7 first')),
    payloadFile('F-1/002-b.pdf', Buffer.alloc(70_000, 7)),
    payloadFile('description.xml', Buffer.from('<?xml version="1.0"?><File/>')),
  ];

  it('writes a bag the checker accepts, of the size announced before streaming', async () => {
    const bag = writeBag('bag-1', files(), info);
    const zip = await zipOf(bag);
    expect(zip.length).toBe(bag.size);
    const dir = await unpacked(zip);
    const check = await checkBag(dir);
    expect(check.problems).toEqual([]);
    expect(check.payloadFiles.sort()).toEqual(['data/F-1/001-a.pdf', 'data/F-1/002-b.pdf', 'data/description.xml']);
    expect(await readFile(path.join(dir, 'bag-info.txt'), 'utf8')).toContain(`Payload-Oxum: ${14 + 70_000 + 28}.3\n`);
  });

  it('is refused by the checker when tampered with: a payload byte, an extra or missing file, the oxum, the declaration, a tag file', async () => {
    const zip = await zipOf(writeBag('bag-1', files(), info));
    const tamper = async (change: (dir: string) => Promise<void>) => {
      const dir = await unpacked(zip);
      await change(dir);
      return (await checkBag(dir)).problems.join('\n');
    };
    expect(await tamper(async (d) => appendFile(path.join(d, 'data/F-1/001-a.pdf'), 'x'))).toMatch(/001-a.pdf does not match its checksum[\s\S]*Payload-Oxum/);
    expect(await tamper(async (d) => writeFile(path.join(d, 'data/extra.pdf'), 'x'))).toMatch(/extra.pdf is in data\/ but not in the manifest/);
    expect(await tamper(async (d) => unlink(path.join(d, 'data/description.xml')))).toMatch(/description.xml is listed but missing/);
    expect(await tamper(async (d) => writeFile(path.join(d, 'bagit.txt'), 'BagIt-Version: 1.0\n'))).toMatch(/bagit.txt is not the declaration/);
    expect(await tamper(async (d) => {
      const p = path.join(d, 'bag-info.txt');
      await writeFile(p, (await readFile(p, 'utf8')).replace(/Payload-Oxum: \d+/, 'Payload-Oxum: 1'));
    })).toMatch(/Payload-Oxum 1\.3 but[\s\S]*bag-info.txt does not match its checksum/);
    expect(await tamper(async (d) => unlink(path.join(d, 'tagmanifest-sha256.txt')).then(() => writeFile(path.join(d, 'tagmanifest-sha256.txt'), '')))).toMatch(/tag file bagit.txt is not covered/);
  });

  it('breaks off a bag whose stored payload is not what the archive holds', async () => {
    const bytes = Buffer.from('%PDF-1.7 flipped');
    const bag = writeBag('bag-1', [payloadFile('F-1/001-a.pdf', bytes, sha256(Buffer.from('%PDF-1.7 original')))], info);
    await expect(zipOf(bag)).rejects.toThrow(/001-a.pdf: the stored object .* hashing to/);
  });
});
