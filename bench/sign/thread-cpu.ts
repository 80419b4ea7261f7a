/**
 * CPU of the signing thread's work per document, the way document.sign does it: the officer's signature, then the
 * unit's (drawn seal, DejaVu subset), each a 'prepare' and a 'finish' as services/signer/src/threads/sign-thread.ts
 * runs them, on records built like the pipeline's (the generator's pages cleaned, archival JPEG, searchable PDF).
 *
 *   node --import tsx bench/sign/thread-cpu.ts [--documents 12] [--rounds 5] [--old DIR]
 *
 * --old DIR: another copy of services/signer/src (e.g. `git archive main services/signer/src | tar -x -C DIR`),
 * run in the same process, taking turns with this tree's code document by document, so both meet the same
 * machine share. The key signs outside the measured spans (on the main thread in the pipeline too).
 * Reported: CPU ms per document (process CPU: libvips' decode threads count), whole and by part.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PDFDict, PDFDocument, PDFName, type PDFRawStream } from 'pdf-lib';
import { generateCorpus } from '../match/corpus.ts';
import { buildSearchablePdf } from '../../services/ocr/src/pdf/searchable-pdf.ts';
import { archivalJpeg, cleanPage } from '../../services/ocr/src/page-cleanup.ts';
import { createTestPki } from '../../services/signer/src/testing/pki.ts';
import { signCades } from '../../services/signer/src/cms.ts';
import { CONTENTS_CAPACITY_BYTES } from '../../services/signer/src/placeholder.ts';
import type { SigningKey } from '../../services/signer/src/signing-key.ts';

const { values: args } = parseArgs({
  options: {
    documents: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '5' },
    old: { type: 'string' },
    seed: { type: 'string', default: '20261203' },
  },
});

const HERE = path.dirname(new URL(import.meta.url).pathname);
const CACHE = path.join(HERE, '..', 'tmp', 'sign-cpu');

/** Records as the pipeline builds them: 1–3 pages of one generated document each. */
async function records(count: number, seed: number): Promise<Uint8Array[]> {
  const dir = path.join(CACHE, `records-${seed}-${count}`);
  const kept = await fs.readdir(dir).catch(() => [] as string[]);
  if (kept.filter((f) => f.endsWith('.pdf')).length >= count) {
    return Promise.all(kept.filter((f) => f.endsWith('.pdf')).sort().slice(0, count).map(async (f) => new Uint8Array(await fs.readFile(path.join(dir, f)))));
  }
  await fs.mkdir(dir, { recursive: true });
  const out: Uint8Array[] = [];
  for (const batch of await generateCorpus(seed, Math.ceil(count / 2) + 2)) {
    for (const truth of batch.documents) {
      if (out.length >= count) break;
      const pages = truth.pageIds.slice(0, 3).map((id) => batch.pages.find((p) => p.id === id)!.page);
      if (!pages.length || pages[0]!.role !== 'document') continue;
      const processed = [];
      for (const page of pages) {
        const cleaned = await cleanPage(page.png, { dpi: page.truth.dpi });
        const image = await archivalJpeg(cleaned.page, cleaned.dpi);
        processed.push({ image, width: cleaned.page.width, height: cleaned.page.height, dpi: cleaned.dpi, words: [] });
      }
      const pdf = await buildSearchablePdf(processed as never, { title: truth.code });
      await fs.writeFile(path.join(dir, `record-${String(out.length + 1).padStart(2, '0')}.pdf`), pdf);
      out.push(pdf);
    }
    if (out.length >= count) break;
  }
  if (out.length < count) throw new Error(`the generator gave ${out.length} documents, ${count} wanted`);
  return out;
}

interface Variant {
  name: string;
  prepareForSigning: typeof import('../../services/signer/src/placeholder.ts').prepareForSigning;
  fillByteRange: typeof import('../../services/signer/src/placeholder.ts').fillByteRange;
  fillContents: typeof import('../../services/signer/src/placeholder.ts').fillContents;
  cadesToBeSigned: typeof import('../../services/signer/src/cms.ts').cadesToBeSigned;
  assembleCadesSignature: typeof import('../../services/signer/src/cms.ts').assembleCadesSignature;
  inkMapOfPicture: typeof import('../../services/signer/src/threads/ink-thread.ts').inkMapOfPicture;
  placeSignatureBox: typeof import('../../services/signer/src/signature-placement.ts').placeSignatureBox;
}

async function variant(name: string, src: string): Promise<Variant> {
  const load = (file: string) => import(path.join(src, file));
  const placeholder = await load('placeholder.ts');
  const cms = await load('cms.ts');
  const ink = await load('threads/ink-thread.ts');
  const placement = await load('signature-placement.ts');
  return {
    name,
    prepareForSigning: placeholder.prepareForSigning,
    fillByteRange: placeholder.fillByteRange,
    fillContents: placeholder.fillContents,
    cadesToBeSigned: cms.cadesToBeSigned,
    assembleCadesSignature: cms.assembleCadesSignature,
    inkMapOfPicture: ink.inkMapOfPicture,
    placeSignatureBox: placement.placeSignatureBox,
  };
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};

function digestOfRanges(bytes: Uint8Array, byteRange: number[]): Uint8Array {
  const hash = createHash('sha256');
  for (let index = 0; index < byteRange.length; index += 2) hash.update(bytes.subarray(byteRange[index]!, byteRange[index]! + byteRange[index + 1]!));
  return hash.digest();
}

interface Identity { key: SigningKey; der: Uint8Array; chain: Uint8Array[]; role: 'officer' | 'unit'; name: string }

/** One signature as the signing thread makes it: prepare (measured), the key (not), finish (measured). */
async function sign(v: Variant, pdf: Uint8Array, who: Identity, spent: { prepare: number; finish: number }): Promise<Uint8Array> {
  const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
  let at = process.cpuUsage();
  const prepared = await v.prepareForSigning(pdf, { signingTime, signerName: who.name, reason: 'Số hóa hồ sơ', location: 'UBND' }, {
    appearance: { role: who.role, name: who.name }, contentsCapacity: CONTENTS_CAPACITY_BYTES,
  });
  const bytes = prepared.bytes;
  const documentDigest = digestOfRanges(bytes, v.fillByteRange(prepared));
  const toBeSigned = v.cadesToBeSigned(documentDigest, who.der);
  spent.prepare += cpuMs(at);
  const signatureValue = await signCades(who.key, toBeSigned, who.der);
  at = process.cpuUsage();
  v.fillContents(prepared, v.assembleCadesSignature({ documentDigest, signerCertificateDer: who.der, chainDer: who.chain, algorithm: who.key.algorithm, signatureValue }));
  spent.finish += cpuMs(at);
  return prepared.bytes;
}

/** Page 1's JPEG and page box, read as page-ink.ts reads them (the records are sohoa's own: one picture per page). */
async function pageOnePicture(pdf: Uint8Array): Promise<{ jpeg: Uint8Array; page: { width: number; height: number } }> {
  const doc = await PDFDocument.load(pdf);
  const page = doc.getPages()[0]!;
  const xobjects = page.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
  const image = xobjects.lookup(xobjects.keys()[0]!) as PDFRawStream;
  const crop = page.getCropBox();
  return { jpeg: image.contents, page: { width: crop.width, height: crop.height } };
}

/** Busy CPU-seconds of the whole machine so far (Linux /proc/stat), to tell what share other processes took. */
async function machineBusySeconds(): Promise<number> {
  const [user, nice, system, , , irq, softirq, steal] = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const count = Number(args.documents);
  const rounds = Number(args.rounds);
  const docs = await records(count, Number(args.seed));
  const pki = await createTestPki();
  const identityOf = (key: SigningKey, role: Identity['role'], name: string): Identity => ({
    key, role, name, der: new Uint8Array(key.certificateChain[0]!.raw), chain: key.certificateChain.slice(1).map((c) => new Uint8Array(c.raw)),
  });
  const officer = identityOf(pki.officer, 'officer', 'Nguyễn Thị Thu Hà');
  const unit = identityOf(pki.unit, 'unit', 'Ủy ban nhân dân phường Bến Nghé');
  const variants = [await variant('this tree', path.join(HERE, '..', '..', 'services', 'signer', 'src'))];
  if (args.old) variants.unshift(await variant('old', path.resolve(args.old)));
  const pictures = await Promise.all(docs.map(pageOnePicture));

  type Parts = { prepare: number; finish: number; ink: number; placement: number };
  let machineFrom = 0;
  let oursFrom = process.cpuUsage();
  let wallFrom = 0;
  const perRound = new Map<string, Parts[]>(variants.map((v) => [v.name, []]));
  // Round 0 warms the code up (JIT, the seal, the font file) and is not counted.
  for (let round = 0; round <= rounds; round++) {
    if (round === 1) {
      machineFrom = await machineBusySeconds();
      oursFrom = process.cpuUsage();
      wallFrom = performance.now();
    }
    const sums = new Map<string, Parts>(variants.map((v) => [v.name, { prepare: 0, finish: 0, ink: 0, placement: 0 }]));
    for (const [index, pdf] of docs.entries()) {
      const order = (round + index) % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        const spent = sums.get(v.name)!;
        // The ink thread keeps the last 4 maps: the unit's signature reuses the officer's, and with more than 4
        // records a round finds none left from the round before.
        const signedOnce = await sign(v, pdf, officer, spent);
        await sign(v, signedOnce, unit, spent);
        // The parts, apart from the signatures: page 1's ink map, and both boxes placed on it.
        const picture = pictures[index]!;
        let at = process.cpuUsage();
        const mapped = await v.inkMapOfPicture({ picture: { jpeg: picture.jpeg }, page: picture.page, maxPixels: 100_000_000 });
        spent.ink += cpuMs(at);
        at = process.cpuUsage();
        for (const [corner, size] of [['top-left', { width: 190, height: 40 }], ['top-right', { width: 220, height: 66 }]] as const) {
          v.placeSignatureBox({ ink: mapped!.map, corner, size, minScale: 0.6, margin: 14 });
        }
        spent.placement += cpuMs(at);
      }
    }
    if (round > 0) for (const v of variants) perRound.get(v.name)!.push(sums.get(v.name)!);
    process.stderr.write(`round ${round}${round === 0 ? ' (warm-up)' : ''}: ${variants.map((v) => `${v.name} ${((sums.get(v.name)!.prepare + sums.get(v.name)!.finish) / count).toFixed(0)} ms/doc`).join(', ')}\n`);
  }
  const ours = cpuMs(oursFrom) / 1000;
  const others = (await machineBusySeconds() - machineFrom - ours) / (((performance.now() - wallFrom) / 1000) * os.availableParallelism());
  console.log(`\nOther processes used ${Math.max(0, Math.round(others * 100))} % of all cores during the counted rounds.`);
  const perDoc = (name: string, part: keyof Parts) => median(perRound.get(name)!.map((p) => p[part] / count));
  console.log(`\n${count} records, ${rounds} rounds (medians of rounds), CPU ms per document (two signatures):`);
  console.log('| code | prepare ×2 | finish ×2 | signing thread total | page-1 ink map (once) | both placements |');
  console.log('|---|---|---|---|---|---|');
  for (const v of variants) {
    const total = median(perRound.get(v.name)!.map((p) => (p.prepare + p.finish) / count));
    console.log(`| ${v.name} | ${perDoc(v.name, 'prepare').toFixed(1)} | ${perDoc(v.name, 'finish').toFixed(1)} | ${total.toFixed(1)} | ${perDoc(v.name, 'ink').toFixed(1)} | ${perDoc(v.name, 'placement').toFixed(1)} |`);
  }
  await pki.cleanup();
}

await main();
