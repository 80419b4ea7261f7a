/**
 * `npm run bench:codes [-- --plain 16 --coded 44]`: the code reader with and without its presence test
 * (services/ocr/src/codes/code-presence.ts), both on the same pages in the same process, page by page in turn, so a
 * shared machine's load falls on both alike. Reports CPU ms a page (process.cpuUsage: libvips' threads included) on
 * pages without codes (the OCR bench's held-out corpus) and on generated code-bearing pages (receipts, QR and
 * Code 128 separators with the generator's degradations, small QR codes and thin bars anywhere on a paper), and
 * whether the same codes were found both ways.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { createRng, degrade, generateDocumentPages, generateReceiptPage, generateSeparatorPage, qrPayloadText, qrPng, writeBenchCorpus } from '@sohoa/samples';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { decodeCodes } from '../../services/ocr/src/codes/code-reader.ts';
import { codePresence } from '../../services/ocr/src/codes/code-presence.ts';
import { cleanPage } from '../../services/ocr/src/page-cleanup.ts';
import { look } from '../match/corpus.ts';
import { cpuWindow } from '../load/cpu-share.ts';
import { REPORT_SEED } from './seeds.ts';

const { values } = parseArgs({ options: { plain: { type: 'string', default: '16' }, coded: { type: 'string', default: '44' }, seed: { type: 'string', default: '20261203' } } });
const ROOT = join(import.meta.dirname, '..', 'tmp', 'codes');

interface Page { name: string; png: Buffer; expected: string[] }

/** What the ocr.page job hands the reader: the page cleaned (borders cut, deskewed) as its archival JPEG. */
async function cleaned(scan: Buffer): Promise<Buffer> {
  const { page } = await cleanPage(scan);
  return sharp(page.pixels, { raw: { width: page.width, height: page.height, channels: page.channels } }).jpeg({ quality: 85 }).toBuffer();
}

async function plainPages(count: number): Promise<Page[]> {
  const dir = join(import.meta.dirname, '..', 'tmp', 'ocr', `corpus-${REPORT_SEED}-36`);
  if (!existsSync(join(dir, 'page-001.png'))) await writeBenchCorpus(dir, 36, REPORT_SEED);
  const names = (await readdir(dir)).filter((n) => /^page-\d+\.png$/.test(n)).sort().slice(0, count);
  return Promise.all(names.map(async (name) => ({ name, png: await cleaned(await readFile(join(dir, name))), expected: [] })));
}

const require = createRequire(import.meta.url);
let writer: Promise<unknown> | null = null;
async function written(text: string, format: 'Code128' | 'DataMatrix', scale: number): Promise<Buffer> {
  writer ??= prepareZXingModule({ overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm')).buffer as ArrayBuffer }, fireImmediately: true });
  await writer;
  const out = await writeBarcode(text, { format, scale });
  return Buffer.from(await out.image!.arrayBuffer());
}

/** Code-bearing pages, cached under bench/tmp/codes (generation is slower than reading). */
async function codedPages(count: number, seed: number): Promise<Page[]> {
  const dir = join(ROOT, `coded-${seed}-${count}`);
  const index = join(dir, 'index.json');
  if (existsSync(index)) {
    const list = JSON.parse(await readFile(index, 'utf8')) as Array<{ name: string; expected: string[] }>;
    return Promise.all(list.map(async (p) => ({ ...p, png: await cleaned(await readFile(join(dir, p.name))) })));
  }
  await mkdir(dir, { recursive: true });
  const rng = createRng(seed);
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`page-${i}`);
    const pageLook = { ...look(r.fork('look')), rotation: 0 as const };
    const dossier = `000.00.00.H00-2511${String(r.int(10, 28))}-${String(r.int(1, 300)).padStart(4, '0')}`;
    const payload = qrPayloadText({ ma_ho_so: dossier, ma_tthc: 'XD', ma_dinh_danh: `0790${r.digits(8)}`, ten_giay_to: 'Giấy tiếp nhận hồ sơ', he_thong: 'sohoa' });
    const kind = ['receipt', 'separator-qr', 'separator-barcode', 'small-qr', 'thin-bars', 'small-datamatrix'][i % 6]!;
    let png: Buffer;
    let expected: string[];
    if (kind === 'receipt') {
      png = (await generateReceiptPage({ dossierCode: dossier, procedureCode: 'XD', procedureName: 'Cấp giấy phép xây dựng', componentNames: ['Đơn đề nghị'], received: { day: 21, month: 11, year: 2025 } }, payload, { ...pageLook, seal: false }, r.int(1, 2 ** 30))).png;
      expected = [payload];
    } else if (kind === 'separator-qr' || kind === 'separator-barcode') {
      const barcode = kind === 'separator-barcode' ? await written(dossier, 'Code128', pageLook.dpi >= 300 ? 4 : 3) : undefined;
      png = (await generateSeparatorPage(barcode ? null : payload, pageLook, r.int(1, 2 ** 30), barcode)).png;
      expected = [barcode ? dossier : payload];
    } else {
      // A small code stuck anywhere on a paper of the dossier, before the scan's degradations.
      const clean = { ...pageLook, skew: 0, speckles: false, jpegQuality: undefined, lidBorder: false, yellowed: false };
      const [paper] = await generateDocumentPages(r.pick(['XD-DON', 'XD-GCN', 'KS-TK'] as const), clean, r.int(1, 2 ** 30));
      const code = kind === 'small-qr' ? await qrPng(dossier, 7, pageLook.dpi) : kind === 'thin-bars' ? await written(dossier, 'Code128', r.pick([1, 2, 2])) : await written(dossier, 'DataMatrix', pageLook.dpi >= 300 ? 4 : 3);
      const meta = await sharp(paper!.png).metadata();
      const cm = await sharp(code).metadata();
      const left = r.int(40, meta.width! - cm.width! - 40);
      const top = r.int(40, meta.height! - cm.height! - 40);
      png = await sharp(paper!.png).composite([{ input: code, left, top }]).png().toBuffer();
      png = await degrade.applyLook(png, { ...pageLook, rotation: 0 }, (label: string) => Math.floor(r.fork(label).next() * 2 ** 31), []);
      expected = [dossier];
    }
    const name = `${String(i + 1).padStart(3, '0')}-${kind}.png`;
    await writeFile(join(dir, name), png);
    pages.push({ name, png: await cleaned(png), expected });
  }
  await writeFile(index, JSON.stringify(pages.map(({ name, expected }) => ({ name, expected }))));
  return pages;
}

async function cpu<T>(run: () => Promise<T>): Promise<[T, number]> {
  const before = process.cpuUsage();
  const out = await run();
  const used = process.cpuUsage(before);
  return [out, (used.user + used.system) / 1000];
}

interface Row { name: string; oldMs: number; newMs: number; oldFound: string[]; newFound: string[]; expected: string[]; maybe: boolean; gateMs: number; detail: string }

async function measure(pages: Page[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const page of pages) {
    const [oldCodes, oldMs] = await cpu(() => decodeCodes(page.png, { presenceGate: false }));
    const [newCodes, newMs] = await cpu(() => decodeCodes(page.png));
    const [presence, gateMs] = await cpu(() => codePresence(page.png));
    const detail = `block ${presence.block ? `${presence.block.dark.toFixed(2)}/${presence.block.lineMin.toFixed(2)}/${presence.block.across.toFixed(3)}/${presence.block.down.toFixed(3)}` : '-'} bars ${presence.bars ? `${presence.bars.edges.toFixed(3)}/${presence.bars.crossRatio.toFixed(2)}/${presence.bars.lineMin.toFixed(2)}` : '-'}`;
    const row = { name: page.name, oldMs, newMs, oldFound: oldCodes.map((c) => c.text), newFound: newCodes.map((c) => c.text), expected: page.expected, maybe: presence.maybe, gateMs, detail };
    console.log(`${row.name}\told ${oldMs.toFixed(0)}\tnew ${newMs.toFixed(0)}\tgate ${gateMs.toFixed(0)}\t${presence.maybe ? 'MAYBE' : 'no   '}\t${detail}\told ${row.oldFound.length} new ${row.newFound.length} expected ${row.expected.length}`);
    rows.push(row);
  }
  return rows;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const share = cpuWindow();
await decodeCodes(await sharp({ create: { width: 64, height: 64, channels: 3, background: 'white' } }).png().toBuffer()); // loads the wasm outside the timings
const plain = await measure(await plainPages(Number(values.plain)));
const coded = await measure(await codedPages(Number(values.coded), Number(values.seed)));
const others = share.end().othersShare;
const summary = (rows: Row[]) => ({
  pages: rows.length,
  oldMsPerPage: Math.round(sum(rows.map((r) => r.oldMs)) / rows.length),
  newMsPerPage: Math.round(sum(rows.map((r) => r.newMs)) / rows.length),
  gateMsPerPage: Math.round(sum(rows.map((r) => r.gateMs)) / rows.length),
  passedGate: rows.filter((r) => r.maybe).length,
  oldFound: sum(rows.map((r) => r.oldFound.filter((t) => r.expected.includes(t)).length)),
  newFound: sum(rows.map((r) => r.newFound.filter((t) => r.expected.includes(t)).length)),
  expected: sum(rows.map((r) => r.expected.length)),
  sameBothWays: rows.filter((r) => JSON.stringify([...r.oldFound].sort()) === JSON.stringify([...r.newFound].sort())).length,
});
const result = { plain: summary(plain), coded: summary(coded), othersShare: others, missed: coded.filter((r) => r.newFound.length < r.oldFound.length).map((r) => r.name) };
console.log(JSON.stringify(result, null, 2));
await mkdir(ROOT, { recursive: true });
await writeFile(join(ROOT, 'result.json'), JSON.stringify({ ...result, rows: [...plain, ...coded] }, null, 2));
