import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, run, words } from './helpers/stack.ts';

const sohoa = path.join(repoRoot, 'bin', 'sohoa.js');
const scans = path.join(repoRoot, 'samples', 'scans');

describe('sohoa ocr (standalone, no database)', () => {
  let work: string;
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-cli-'));
  });
  afterAll(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  it('writes text and a searchable PDF per input, and names the file that failed after doing the rest', async () => {
    const broken = path.join(work, 'broken.tif');
    await fs.writeFile(broken, Buffer.concat([Buffer.from('II*\0'), Buffer.alloc(100, 7)]));
    const out = path.join(work, 'out');
    const result = await run('node', [sohoa, 'ocr', '--out', out, broken, path.join(scans, 'dossier-ks.pdf')]).then(
      () => null,
      (err) => err,
    );
    expect(result?.code).toBe(1);
    expect(result.stderr).toContain('broken.tif');
    expect(result.stdout).toMatch(/3 page\(s\), 1 blank left out/);
    expect(result.stdout).toMatch(/pages\/min/);

    const text = await fs.readFile(path.join(out, 'dossier-ks.txt'), 'utf8');
    expect(text.split('\f')).toHaveLength(2); // two pages with content, separated by a form feed
    expect(text).toContain('031198646711');
    const { stdout: pdfText } = await run('pdftotext', ['-enc', 'UTF-8', path.join(out, 'dossier-ks.pdf'), '-']);
    expect(words(pdfText).join(' ')).toContain(words('TỜ KHAI ĐĂNG KÝ KHAI SINH').join(' '));
    await run('qpdf', ['--check', path.join(out, 'dossier-ks.pdf')]);
    await expect(fs.access(path.join(out, 'broken.txt'))).rejects.toThrow();
  });

  it('sohoa match splits a scan into documents and names each one\'s component, with no database', async () => {
    const { stdout } = await run('node', [sohoa, 'match', '--catalog', path.join(repoRoot, 'samples', 'catalog.json'), '--json', path.join(scans, 'dossier-ks.pdf')]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.pages, l.procedure, l.component])).toEqual([
      [[1], 'KS', 'KS-TK'],
      [[3], 'KS', 'KS-GCS'], // page 2 is the blank back side of page 1
    ]);
    expect(lines[0]).toMatchObject({ file: expect.stringContaining('dossier-ks.pdf'), needsReview: false });
    expect(lines[0].confidence).toBeGreaterThan(lines[0].runnerUp.confidence);
    expect(lines[0].fields.identifiers).toContain('031198646711');
  });

  it('prints its usage and exits 2 on a wrong call', async () => {
    const result = await run('node', [sohoa, 'ocr']).then(
      () => null,
      (err) => err,
    );
    expect(result?.code).toBe(2);
    expect(result.stderr).toContain('usage: sohoa ocr');
  });
});
