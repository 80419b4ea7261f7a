import fs from 'node:fs/promises';
import path from 'node:path';
import { toImagePdf } from '@sohoa/samples';
import { generateCorpus, type BenchBatch } from '../match/corpus.ts';

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
  /** Every page of the throughput set and the busy probes in one PDF, for OCRmyPDF. */
  peerPdf: (probes: DossierFile[]) => Promise<string>;
}

async function writeDossier(dir: string, name: string, batch: BenchBatch, pages: number): Promise<DossierFile> {
  const kept = batch.pages.slice(0, pages).map((p) => p.page);
  const file = path.join(dir, `${name}.pdf`);
  await fs.writeFile(file, await toImagePdf(kept.map((p) => p.png), kept.map((p) => p.truth.dpi)));
  return { name: `${name}.pdf`, file, pages: kept.length };
}

export async function pipelineCorpus(dir: string, seed: number, counts: { throughput: number; probes: number }): Promise<PipelineCorpus> {
  await fs.mkdir(dir, { recursive: true });
  const throughput: DossierFile[] = [];
  const probes: DossierFile[] = [];
  const used = new Map<string, BenchBatch>();
  for (let round = 0; throughput.length < counts.throughput || probes.length < counts.probes; round++) {
    if (round > 5) throw new Error('the generator gave too few dossiers of 3–10 pages');
    const batches = await generateCorpus(seed + round, counts.throughput + counts.probes + 2);
    for (const batch of batches) {
      const n = batch.pages.length;
      if (probes.length < counts.probes && n >= 5) {
        const name = `probe-${String(probes.length + 1).padStart(2, '0')}`;
        probes.push(await writeDossier(dir, name, batch, 5));
        used.set(name, batch);
      } else if (throughput.length < counts.throughput && n >= 3 && n <= 10) {
        const name = `dossier-${String(throughput.length + 1).padStart(2, '0')}`;
        throughput.push(await writeDossier(dir, name, batch, n));
        used.set(name, batch);
      }
    }
  }
  return {
    throughput,
    probes,
    peerPdf: async (busyProbes) => {
      const files = [...throughput, ...busyProbes];
      const pages = files.flatMap((f) => used.get(f.name.replace(/\.pdf$/, ''))!.pages.slice(0, f.pages).map((p) => p.page));
      const file = path.join(dir, 'peer-pages.pdf');
      await fs.writeFile(file, await toImagePdf(pages.map((p) => p.png), pages.map((p) => p.truth.dpi)));
      return file;
    },
  };
}
