/**
 * The matching benchmark's corpus: shuffled multi-document scanner batches drawn from one seed.
 *
 * Each batch is one dossier of one procedure, as a counter scans it: usually the receipt (QR code
 * top left) first, sometimes a separator sheet (QR, or a Code 128 of the bare dossier code), then
 * the procedure's papers in random order, some several pages long, some followed by a blank back
 * side from duplex scanning. Every page gets the generator's degradations (skew, quarter turns,
 * seals, signatures, speckles, yellowed paper, uneven light, lid borders, JPEG artifacts). One
 * batch in six carries the result issued for a dossier behind a QR separator. A separator with only
 * a Code 128 barcode (bare dossier code) leaves the procedure unknown: every procedure's
 * components and results are candidates until the procedure is inferred from the documents.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  catalogDocumentFor, createRng, generateBlankPage, generateReceiptPage, generateSeparatorPage, qrPayloadText, renderDocumentPages,
  type CatalogCode, type DossierPage, type PageLook,
} from '@sohoa/samples';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';

export interface CatalogJson {
  procedures: Array<{ code: string; name: string; components: Array<{ code: string; name: string; required?: boolean }>; results?: Array<{ code: string; name: string }> }>;
}
export const CATALOG = JSON.parse(readFileSync(new URL('../../samples/catalog.json', import.meta.url), 'utf8')) as CatalogJson;

export interface TruthDocument {
  code: string;
  kind: 'component' | 'result' | 'receipt';
  procedure: string;
  pageIds: string[];
  fields: Record<string, string>;
  /** Clean printed text of all its pages. */
  text: string;
}

export interface BenchBatch {
  id: string;
  /** Procedure given by the receipt/separator code; null = unknown (all candidates). */
  procedure: string | null;
  dossierCode: string | null;
  pages: Array<{ id: string; page: DossierPage }>;
  documents: TruthDocument[];
  /** Page ids of pages that carry a dossier code (receipt, separator). */
  codePageIds: string[];
}

/** A scanner's look for one paper, drawn from `rng` (bench/ocr/code-gate.ts draws its code pages' looks here too). */
export function look(rng: ReturnType<typeof createRng>): PageLook {
  return {
    dpi: rng.pick([200, 200, 300]),
    paper: rng.chance(0.35) ? 'yellowed' : 'white',
    rotation: rng.chance(0.15) ? rng.pick([90, 180, 270] as const) : 0,
    skew: rng.chance(0.7) ? Math.round(rng.range(-8, 8) * 10) / 10 : 0,
    seal: rng.chance(0.6),
    signature: rng.chance(0.8),
    yellowed: rng.chance(0.35),
    speckles: rng.chance(0.6),
    lidBorder: rng.chance(0.35),
    jpegQuality: rng.chance(0.25) ? rng.int(30, 50) : undefined,
  };
}

function shuffle<T>(items: T[], rng: ReturnType<typeof createRng>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

let writerReady: Promise<unknown> | null = null;
async function code128(text: string, dpi: number): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  writerReady ??= prepareZXingModule({ overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm')).buffer as ArrayBuffer }, fireImmediately: true });
  await writerReady;
  const written = await writeBarcode(text, { format: 'Code128', scale: dpi >= 300 ? 4 : 3 });
  if (!written.image) throw new Error(`Code 128 not written: ${written.error}`);
  return Buffer.from(await written.image.arrayBuffer());
}

/** The batches of the corpus; `size` component batches (results batches are added, one per five). */
export async function generateCorpus(seed: number, size: number, onPage?: (n: number) => void): Promise<BenchBatch[]> {
  const root = createRng(seed);
  const batches: BenchBatch[] = [];
  let pages = 0;
  const add = (batch: BenchBatch, id: string, page: DossierPage): string => {
    batch.pages.push({ id, page });
    onPage?.(++pages);
    return id;
  };
  for (let b = 0; b < size + Math.ceil(size / 5); b++) {
    const rng = root.fork(`batch-${b}`);
    const resultsBatch = b >= size;
    const procedure = CATALOG.procedures[b % CATALOG.procedures.length];
    const batch: BenchBatch = { id: `b${String(b + 1).padStart(2, '0')}`, procedure: null, dossierCode: null, pages: [], documents: [], codePageIds: [] };
    const pid = (): string => `${batch.id}-p${String(batch.pages.length + 1).padStart(2, '0')}`;
    let codes: CatalogCode[];
    if (resultsBatch) {
      codes = (procedure.results ?? []).map((r) => r.code as CatalogCode);
    } else {
      // The first round of each procedure brings every component; later rounds skip optional ones at times.
      const firstRound = b < CATALOG.procedures.length;
      codes = shuffle(procedure.components.filter((c) => c.required || firstRound || rng.chance(0.6)).map((c) => c.code as CatalogCode), rng);
    }
    {
      const received = { day: rng.int(1, 28), month: rng.int(1, 12), year: 2025 };
      const dossierCode = `000.00.00.H00-25${String(received.month).padStart(2, '0')}${String(received.day).padStart(2, '0')}-${String(rng.int(1, 300)).padStart(4, '0')}`;
      const payload = qrPayloadText({
        ma_ho_so: dossierCode, ma_tthc: procedure.code, ma_dinh_danh: `0790${rng.digits(8)}`, ten_giay_to: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
        he_thong: 'sohoa', thoi_gian: `2025-${String(received.month).padStart(2, '0')}-${String(received.day).padStart(2, '0')}T09:30:00+07:00`,
      });
      batch.dossierCode = dossierCode;
      batch.procedure = procedure.code;
      const style = resultsBatch ? 'separator-qr' : rng.pick(['receipt', 'receipt', 'receipt', 'separator-qr', 'separator-barcode'] as const);
      const pageLook = { ...look(rng.fork('receipt-look')), rotation: 0 as const, seal: false };
      if (style === 'receipt') {
        const info = { dossierCode, procedureCode: procedure.code, procedureName: procedure.name, componentNames: codes.map((c) => procedure.components.find((x) => x.code === c)?.name ?? c), received };
        const page = await generateReceiptPage(info, payload, pageLook, rng.int(1, 2 ** 30));
        const id = add(batch, pid(), page);
        batch.codePageIds.push(id);
        batch.documents.push({ code: 'RECEIPT', kind: 'receipt', procedure: procedure.code, pageIds: [id], fields: page.truth.fields, text: page.text });
      } else {
        const barcode = style === 'separator-barcode' ? await code128(dossierCode, pageLook.dpi) : undefined;
        // The barcode-only separator carries the bare code and no procedure: the procedure stays unknown.
        if (barcode) batch.procedure = null;
        const page = await generateSeparatorPage(barcode ? null : payload, pageLook, rng.int(1, 2 ** 30), barcode);
        batch.codePageIds.push(add(batch, pid(), page));
      }
    }
    for (const [i, code] of codes.entries()) {
      const docSeed = rng.int(1, 2 ** 30);
      const doc = catalogDocumentFor(code, createRng(docSeed).fork('document'));
      const rendered = await renderDocumentPages(doc, look(rng.fork(`look-${i}`)), docSeed);
      const ids: string[] = [];
      for (const page of rendered) {
        ids.push(add(batch, pid(), page));
        if (rng.chance(0.2)) add(batch, pid(), await generateBlankPage(look(rng.fork(`blank-${i}-${ids.length}`)), rng.int(1, 2 ** 30)));
      }
      batch.documents.push({ code, kind: doc.kind, procedure: doc.procedure, pageIds: ids, fields: doc.fields, text: rendered.map((p) => p.text).join('\n') });
    }
    batches.push(batch);
  }
  return batches;
}
