import fs from 'node:fs/promises';
import path from 'node:path';
import { toImagePdf } from '@sohoa/samples';
import { generateCorpus, type BenchBatch } from '../match/corpus.ts';
import { run } from '../../test/helpers/stack.ts';

/**
 * Dossiers as counter scanners deliver them: one image PDF per dossier (receipt with its QR code or a separator
 * sheet first, then the papers, blank back sides included), every page with the sample generator's degradations.
 * Drawn from bench/match/corpus.ts's scanner batches: the throughput set keeps batches of 3–10 pages, the probes
 * are 5-page dossiers (the first five pages of a longer batch).
 */

export interface DossierFile {
  name: string;
  file: string;
  pages: number;
}

export interface PipelineCorpus {
  throughput: DossierFile[];
  probes: DossierFile[];
  /** The given dossiers' pages in one PDF (the same JPEGs, joined by qpdf), for OCRmyPDF. */
  peerPdf: (files: DossierFile[], out: string) => Promise<string>;
}

async function writeDossier(dir: string, name: string, batch: BenchBatch, pages: number): Promise<DossierFile> {
  const kept = batch.pages.slice(0, pages).map((p) => p.page);
  const file = path.join(dir, `${name}.pdf`);
  await fs.writeFile(file, await toImagePdf(kept.map((p) => p.png), kept.map((p) => p.truth.dpi)));
  return { name: `${name}.pdf`, file, pages: kept.length };
}

const peerPdf = async (files: DossierFile[], out: string) => {
  await run('qpdf', ['--empty', '--pages', ...files.map((f) => f.file), '--', out]);
  return out;
};

/** Generated once per seed and size into `root` (bench/tmp, not committed), then read back. */
export async function pipelineCorpus(root: string, seed: number, counts: { throughput: number; probes: number }): Promise<PipelineCorpus> {
  const dir = path.join(root, `corpus-${seed}-${counts.throughput}-${counts.probes}`);
  const manifest = path.join(dir, 'corpus.json');
  const kept = await fs.readFile(manifest, 'utf8').then((t) => JSON.parse(t) as Omit<PipelineCorpus, 'peerPdf'>, () => null);
  if (kept) return { ...kept, peerPdf };
  await fs.mkdir(dir, { recursive: true });
  const throughput: DossierFile[] = [];
  const probes: DossierFile[] = [];
  for (let round = 0; throughput.length < counts.throughput || probes.length < counts.probes; round++) {
    if (round > 5) throw new Error('the generator gave too few dossiers of 3–10 pages');
    const batches = await generateCorpus(seed + round, counts.throughput + counts.probes);
    for (const batch of batches) {
      const n = batch.pages.length;
      if (probes.length < counts.probes && n >= 5) {
        probes.push(await writeDossier(dir, `probe-${String(probes.length + 1).padStart(2, '0')}`, batch, 5));
      } else if (throughput.length < counts.throughput && n >= 3 && n <= 10) {
        throughput.push(await writeDossier(dir, `dossier-${String(throughput.length + 1).padStart(2, '0')}`, batch, n));
      }
    }
  }
  await fs.writeFile(manifest, JSON.stringify({ throughput, probes }));
  return { throughput, probes, peerPdf };
}
