/**
 * npm run bench:sign — signatures per second on a 5-page document: sohoa
 * (PAdES B-B with pkijs, incremental update) against @signpdf/signpdf with its
 * P12Signer (node-forge PKCS#7, adbe.pkcs7.detached, pdf-lib placeholder and
 * full rewrite) on the same file with the same PKCS#12, in the same run.
 * The profiles differ; the ratio shows what sohoa's profile and writer cost.
 *
 * Rounds alternate between the contenders so machine noise hits both alike;
 * the rate is the median of the rounds. Writes bench/results/sign.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { loadPkcs12, signAs, signPdf } from '@sohoa/signer';
import { createTestPki, samplePdf } from '../../services/signer/src/test-pki.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 3000);

type Contender = { name: string; sign: () => Promise<Uint8Array> };

async function rate(contender: Contender): Promise<number> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < ROUND_MS) {
    await contender.sign();
    count += 1;
  }
  return (count * 1000) / (performance.now() - started);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const pki = await createTestPki();
try {
  const pdf = await samplePdf(5);
  const p12 = await readFile(pki.files.unitP12Path);
  const password = (await readFile(pki.files.unitPasswordPath, 'utf8')).trim();
  const identity = await loadPkcs12(p12, password);
  const peerSigner = new SignPdf();

  const contenders: Contender[] = [
    {
      name: '@signpdf/signpdf + P12Signer (peer)',
      sign: async () => {
        const doc = await PDFDocument.load(pdf);
        pdflibAddPlaceholder({ pdfDoc: doc, reason: 'bench', contactInfo: '', name: 'bench', location: 'bench' });
        // A P12Signer reads its buffer once (forge consumes it): one per signature, as its README shows.
        return peerSigner.sign(Buffer.from(await doc.save({ useObjectStreams: false })), new P12Signer(p12, { passphrase: password }));
      },
    },
    { name: 'sohoa B-B, invisible', sign: () => signPdf(pdf, identity, { reason: 'bench' }) },
    { name: 'sohoa B-B, unlocking the .p12 every time (as P12Signer does)', sign: async () => signPdf(pdf, await loadPkcs12(p12, password), { reason: 'bench' }) },
    { name: 'sohoa B-B, visible unit signature (seal, DejaVu subset) — the pipeline path', sign: () => signAs(pdf, identity, { role: 'unit', reason: 'bench' }) },
  ];
  for (const contender of contenders) await contender.sign(); // warm-up: JIT, font and seal caches

  const rates = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const contender of contenders) rates.get(contender.name)!.push(await rate(contender));
  }
  const peer = median(rates.get(contenders[0]!.name)!);
  const rows = contenders.map((contender) => {
    const value = median(rates.get(contender.name)!);
    return `| ${contender.name} | ${value.toFixed(1)} | ${(value / peer).toFixed(2)}× |`;
  });
  const report = `# Signing benchmark (npm run bench:sign)

5-page PDF (${pdf.length} bytes), RSA-2048 unit certificate from the development CA, PKCS#12 with AES-256 and
10 000 PBKDF2 iterations; ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s each, median rate.
Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. Run: ${new Date().toISOString()}.

| contender | signatures/s | vs @signpdf |
|---|---|---|
${rows.join('\n')}

Target: sohoa B-B at least 0.8× of @signpdf's rate. The peer's profile is adbe.pkcs7.detached with a
signing-time attribute and no signing-certificate-v2 (not PAdES); @signpdf's P12Signer decodes the PKCS#12
on every signature, which sohoa's pipeline does once per certificate — the third row shows sohoa paying that too.
`;
  console.log(report);
  const out = path.join(import.meta.dirname, '..', 'results', 'sign.md');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, report);
} finally {
  await pki.cleanup();
}
