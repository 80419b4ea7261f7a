/**
 * pdf.js (pdfjs-dist) behind the PDF viewer: a page drawn on its canvas, its text layer over it, and the searched
 * words marked in that layer. Only PdfViewer.svelte imports this, dynamically: pdf.js stays out of the first screen's
 * bundle and is fetched when a PDF is first shown. The worker is a file of the built bundle (same origin, so the
 * page's `worker-src 'self'` admits it; no CDN, no blob: wrapper).
 */
import { getDocument, GlobalWorkerOptions, RenderingCancelledException, TextLayer, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { wordRanges, type SoughtWord } from '../fold.ts';

GlobalWorkerOptions.workerSrc = workerUrl;

export interface PageTarget {
  canvas: HTMLCanvasElement;
  /** Gets the text layer's spans; its parent holds the page's CSS scale (--total-scale-factor). */
  textLayer: HTMLElement;
  /** CSS pixels the page is fitted to, before zooming. */
  width: number;
  zoom: number;
}

export interface ShownPage {
  /** The marks put on the searched words, in reading order. */
  marks: HTMLElement[];
}

export interface OpenedPdf {
  pages: number;
  /** Draws page `n` (1-based) on the target; a newer call cancels one still drawing (which answers null). */
  show(n: number, target: PageTarget, sought: readonly SoughtWord[]): Promise<ShownPage | null>;
  close(): Promise<void>;
}

export async function openPdf(data: ArrayBuffer): Promise<OpenedPdf> {
  // No eval and no WebAssembly: the UI's CSP allows neither, and sohoa's PDFs need neither (JPEG scans, embedded
  // DejaVu fonts). Said here so that pdf.js does not try them and trip the CSP.
  const doc: PDFDocumentProxy = await getDocument({ data, isEvalSupported: false, useWasm: false, enableXfa: false }).promise;
  let drawing: RenderTask | null = null;
  let layer: TextLayer | null = null;
  let asked = 0;

  async function show(n: number, target: PageTarget, sought: readonly SoughtWord[]): Promise<ShownPage | null> {
    const mine = ++asked;
    drawing?.cancel();
    layer?.cancel();
    const page = await doc.getPage(n);
    if (mine !== asked) return null;
    const scale = (target.width / page.getViewport({ scale: 1 }).width) * target.zoom;
    const viewport = page.getViewport({ scale });
    const ratio = window.devicePixelRatio || 1;
    const { canvas } = target;
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    drawing = page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
    try {
      await drawing.promise;
    } catch (err) {
      if (err instanceof RenderingCancelledException) return null;
      throw err;
    }
    if (mine !== asked) return null;
    target.textLayer.replaceChildren();
    target.textLayer.parentElement!.style.setProperty('--total-scale-factor', String(scale));
    layer = new TextLayer({ textContentSource: page.streamTextContent(), container: target.textLayer, viewport });
    try {
      await layer.render();
    } catch (err) {
      if (mine !== asked) return null;
      throw err;
    }
    if (mine !== asked) return null;
    return { marks: layer.textDivs.flatMap((span) => mark(span, sought)) };
  }

  return {
    pages: doc.numPages,
    show,
    close: () => doc.destroy(),
  };
}

/** The sought words of one text-layer span wrapped in <mark>; answers the marks. */
function mark(span: HTMLElement, sought: readonly SoughtWord[]): HTMLElement[] {
  const text = span.textContent ?? '';
  const ranges = wordRanges(text, sought);
  if (!ranges.length) return [];
  const parts: Node[] = [];
  const marks: HTMLElement[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(document.createTextNode(text.slice(at, start)));
    const m = document.createElement('mark');
    m.textContent = text.slice(start, end);
    marks.push(m);
    parts.push(m);
    at = end;
  }
  if (at < text.length) parts.push(document.createTextNode(text.slice(at)));
  span.replaceChildren(...parts);
  return marks;
}
