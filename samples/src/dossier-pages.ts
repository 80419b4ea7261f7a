/**
 * Pages of a whole dossier as a counter scans it in one batch: any catalog document (one or more
 * pages), the receipt with its QR code at the top left, a separator sheet carrying only a code, a
 * blank back side. Every page goes through the same degradations as generate.ts's pages.
 *
 * QR payload (the format sohoa's matching service parses, see services/matching/src/dossier-code.ts):
 *   {"ma_ho_so": "...", "ma_tthc": "...", "ma_dinh_danh": "...", "ten_giay_to": "...", "he_thong": "sohoa", "thoi_gian": "ISO 8601 +07:00"}
 */
import QRCode from 'qrcode';
import { formatDossierQr, type DossierQrPayload } from '@sohoa/matching';
import sharp, { type OverlayOptions } from 'sharp';
import { catalogDocumentFor, receiptDocument, type CatalogCode, type CatalogDocument, type ReceiptInfo } from './documents-catalog.ts';
import { applyLook, blankBackSide, seal, signature } from './degrade.ts';
import { pageTruth, type GeneratedPage, type PageSpec } from './generate.ts';
import { createRng } from './prng.ts';
import { a4Geometry, renderPage, PAPER } from './render.ts';

/** How a page is degraded: a PageSpec without its component. */
export type PageLook = Omit<PageSpec, 'component'>;

export interface DossierPage extends GeneratedPage {
  /** What the page is in the batch. */
  role: 'document' | 'receipt' | 'separator' | 'blank';
  /** Component/result code for document pages, 'RECEIPT' for the receipt, null otherwise. */
  component: string | null;
  /** Page number inside its document (1-based), 0 for separators and blanks. */
  pageInDocument: number;
}

/** The QR format is the matching service's: the generator prints exactly what sohoa reads. */
export type QrPayload = DossierQrPayload;
export const qrPayloadText = (payload: QrPayload): string => formatDossierQr(payload);

/** A QR code as PNG, about `mm` millimetres wide at `dpi`. */
export async function qrPng(text: string, mm: number, dpi: number): Promise<Buffer> {
  const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules.size + 4;
  const scale = Math.max(2, Math.round(((mm / 25.4) * dpi) / modules));
  return QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 2, scale, type: 'png' });
}

async function overlayImage(png: Buffer, image: Buffer, left: number, top: number): Promise<Buffer> {
  return sharp(png).composite([{ input: image, left: Math.round(left), top: Math.round(top) }]).png().toBuffer();
}

/**
 * Every page of one document. Signature and seal go on the last page (where the signature block
 * is); `look` applies to all pages, with per-page skew drawn from the seed unless it is 0.
 */
export async function renderDocumentPages(
  doc: CatalogDocument,
  look: PageLook,
  seed: number,
  options: { qr?: string; role?: DossierPage['role'] } = {},
): Promise<DossierPage[]> {
  const rng = createRng(seed);
  const pages: DossierPage[] = [];
  for (const [index, blocks] of doc.pages.entries()) {
    const pageRng = rng.fork(`page-${index}`);
    const seedFor = (label: string): number => Math.floor(pageRng.fork(label).next() * 2 ** 31);
    const content = { procedure: doc.procedure, component: doc.component, title: doc.title, blocks, fields: doc.fields, sealText: doc.sealText };
    const rendered = await renderPage(content, { dpi: look.dpi, paper: look.paper });
    let png = rendered.png;
    const unit = look.dpi / 25.4;
    const degradations: string[] = [];
    if (options.qr && index === 0) {
      // Decree 61/2018: the QR code sits at the top left of the receipt, inside the print margin
      // (closer to the corner, a skewed feed would cut it off).
      png = await overlayImage(png, await qrPng(options.qr, 24, look.dpi), 20 * unit, 15 * unit);
      degradations.push('qr');
    }
    const last = index === doc.pages.length - 1;
    const { x, y } = rendered.signatureAnchor;
    if (last && look.signature) {
      png = await signature(png, { x, y: y + 14 * unit, width: 40 * unit, seed: seedFor('signature') });
      degradations.push('signature');
    }
    const sealed = last && look.seal;
    if (sealed) {
      png = await seal(png, { x: x - 22 * unit, y: y + 8 * unit, radius: 18 * unit, text: doc.sealText, seed: seedFor('seal') });
      degradations.push('seal');
    }
    const pageLook = index === 0 || look.skew === 0 ? look : { ...look, skew: Math.round(pageRng.range(-6, 6) * 10) / 10 };
    png = await applyLook(png, pageLook, seedFor, degradations);
    pages.push({
      png,
      text: rendered.lines.length ? `${rendered.lines.join('\n')}\n` : '',
      truth: pageTruth(pageLook, rendered.geometry, doc, degradations, sealed),
      role: options.role ?? (doc.kind === 'receipt' ? 'receipt' : 'document'),
      component: doc.component,
      pageInDocument: index + 1,
    });
  }
  return pages;
}

/** Pages of a catalog component or result, drawn from the seed. */
export async function generateDocumentPages(code: CatalogCode, look: PageLook, seed: number): Promise<DossierPage[]> {
  return renderDocumentPages(catalogDocumentFor(code, createRng(seed).fork('document')), look, seed);
}

/** The receipt with its QR code (top left) carrying `payload`. */
export async function generateReceiptPage(info: ReceiptInfo, payload: string, look: PageLook, seed: number): Promise<DossierPage> {
  const [page] = await renderDocumentPages(receiptDocument(info, createRng(seed).fork('receipt')), look, seed, { qr: payload });
  return page;
}

/**
 * A separator sheet: only a QR code (and optionally a 1-D barcode image under it), nothing else to
 * read. `barcode` is a ready PNG (e.g. a Code 128 of the bare dossier code).
 */
export async function generateSeparatorPage(payload: string | null, look: PageLook, seed: number, barcode?: Buffer): Promise<DossierPage> {
  const rng = createRng(seed);
  const seedFor = (label: string): number => Math.floor(rng.fork(label).next() * 2 ** 31);
  const geometry = a4Geometry(look.dpi);
  const layers: OverlayOptions[] = [];
  let top = geometry.height * 0.3;
  if (payload) {
    const qr = await qrPng(payload, 45, look.dpi);
    const size = (await sharp(qr).metadata()).width ?? 0;
    layers.push({ input: qr, left: Math.round((geometry.width - size) / 2), top: Math.round(top) });
    top += size + (20 * look.dpi) / 25.4;
  }
  if (barcode) {
    const meta = await sharp(barcode).metadata();
    layers.push({ input: barcode, left: Math.round((geometry.width - (meta.width ?? 0)) / 2), top: Math.round(top) });
  }
  let png: Buffer = await sharp({ create: { width: geometry.width, height: geometry.height, channels: 3, background: PAPER[look.paper] } }).composite(layers).png().toBuffer();
  const degradations = ['separator'];
  png = await applyLook(png, look, seedFor, degradations);
  return { png, text: '', truth: pageTruth(look, geometry, null, degradations, false), role: 'separator', component: null, pageInDocument: 0 };
}

/** A duplex back side: blank paper with scanner noise. */
export async function generateBlankPage(look: PageLook, seed: number): Promise<DossierPage> {
  const rng = createRng(seed);
  const seedFor = (label: string): number => Math.floor(rng.fork(label).next() * 2 ** 31);
  const geometry = a4Geometry(look.dpi);
  const degradations = ['blank-noise'];
  const png: Buffer = await applyLook(await blankBackSide(geometry, look.paper, seedFor('blank')), look, seedFor, degradations);
  return { png, text: '', truth: pageTruth(look, geometry, null, degradations, false), role: 'blank', component: null, pageInDocument: 0 };
}
