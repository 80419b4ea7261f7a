/**
 * Appends an incremental update (ISO 32000-1 §7.5.6) to a PDF: the new and
 * changed objects, a cross-reference section for them and a trailer whose
 * /Prev points at the previous cross-reference. The original bytes stay as
 * they are, so signatures over them remain valid — pdf-lib can only rewrite
 * whole files, so it builds the objects here and this module writes them.
 */
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFNumber, type PDFObject, PDFRef } from 'pdf-lib';
import { randomBytes } from 'node:crypto';
import { SignerError } from './errors.ts';

export interface PreviousRevision {
  /** Offset of the cross-reference section (table or stream) the file's last startxref names. */
  startxref: number;
  /** /Size of the last trailer: object numbers from here on are unused. */
  size: number;
}

const latin1 = (bytes: Uint8Array, from = 0, to = bytes.length) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', from, to);

/** Reads the last startxref and the /Size of the trailer (or cross-reference stream dictionary) it points at. */
export function previousRevision(pdf: Uint8Array): PreviousRevision {
  const tail = latin1(pdf, Math.max(0, pdf.length - 2048));
  const matches = [...tail.matchAll(/startxref\s+(\d+)\s+%%EOF/g)];
  const last = matches[matches.length - 1];
  if (!last) throw new SignerError('bad-pdf', 'The PDF has no startxref at its end; it cannot be updated incrementally.');
  const startxref = Number(last[1]);
  if (startxref <= 0 || startxref >= pdf.length) throw new SignerError('bad-pdf', 'The PDF names a cross-reference section outside the file.');

  const section = latin1(pdf, startxref, Math.min(pdf.length, startxref + 64));
  let dictionaryText: string;
  if (section.startsWith('xref')) {
    const trailerAt = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).indexOf('trailer', startxref, 'latin1');
    if (trailerAt < 0) throw new SignerError('bad-pdf', 'The PDF cross-reference table has no trailer.');
    dictionaryText = latin1(pdf, trailerAt, Math.min(pdf.length, trailerAt + 4096));
  } else if (/^\d+\s+\d+\s+obj/.test(section)) {
    dictionaryText = latin1(pdf, startxref, Math.min(pdf.length, startxref + 4096));
  } else {
    throw new SignerError('bad-pdf', 'The PDF startxref does not point at a cross-reference section.');
  }
  const size = /\/Size\s+(\d+)/.exec(dictionaryText);
  if (!size) throw new SignerError('bad-pdf', 'The PDF trailer states no /Size.');
  return { startxref, size: Number(size[1]) };
}

/**
 * Makes sure objects registered from now on get numbers the file never used,
 * not even as free entries (reusing those would need generation bookkeeping).
 */
export function reserveObjectNumbersFrom(doc: PDFDocument, previous: PreviousRevision): void {
  doc.context.largestObjectNumber = Math.max(doc.context.largestObjectNumber, previous.size - 1);
}

function serialize(ref: PDFRef, object: PDFObject): Buffer {
  const head = `${ref.objectNumber} ${ref.generationNumber} obj\n`;
  const tail = '\nendobj\n';
  const body = Buffer.alloc(object.sizeInBytes());
  object.copyBytesInto(body, 0);
  return Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from(tail, 'latin1')]);
}

/** Cross-reference subsections: runs of consecutive object numbers. */
function xrefTable(entries: Array<{ ref: PDFRef; offset: number }>): string {
  const sorted = [...entries].sort((a, b) => a.ref.objectNumber - b.ref.objectNumber);
  let text = 'xref\n';
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end]!.ref.objectNumber === sorted[end - 1]!.ref.objectNumber + 1) end += 1;
    text += `${sorted[start]!.ref.objectNumber} ${end - start}\n`;
    for (const { ref, offset } of sorted.slice(start, end)) {
      // Each entry is exactly 20 bytes, the end of line included.
      text += `${String(offset).padStart(10, '0')} ${String(ref.generationNumber).padStart(5, '0')} n\r\n`;
    }
    start = end;
  }
  return text;
}

/** The trailer's /ID: the first part is the file's permanent identifier and stays; the second changes with every revision. */
function documentId(doc: PDFDocument): PDFArray {
  const id = PDFArray.withContext(doc.context);
  const previous = doc.context.lookup(doc.context.trailerInfo.ID);
  const first = previous instanceof PDFArray ? previous.get(0) : undefined;
  id.push(first ?? PDFHexString.of(randomBytes(16).toString('hex')));
  id.push(PDFHexString.of(randomBytes(16).toString('hex')));
  return id;
}

/**
 * Returns the original bytes followed by an update holding `refs` as they now
 * are in `doc`. Every ref must be either new or an object whose content changed.
 */
export function appendIncrementalUpdate(original: Uint8Array, doc: PDFDocument, refs: PDFRef[], previous: PreviousRevision): Uint8Array {
  if (doc.context.trailerInfo.Encrypt) throw new SignerError('encrypted-pdf', 'The PDF is encrypted; sohoa signs unencrypted documents only.');
  const parts: Buffer[] = [];
  let offset = original.length;
  // The previous revision's %%EOF must end its line before the update starts.
  const lastByte = original[original.length - 1];
  if (lastByte !== 0x0a && lastByte !== 0x0d) {
    parts.push(Buffer.from('\n', 'latin1'));
    offset += 1;
  }
  const entries: Array<{ ref: PDFRef; offset: number }> = [];
  const unique = [...new Map(refs.map((ref) => [ref.tag, ref])).values()];
  for (const ref of unique) {
    const object = doc.context.lookup(ref);
    if (!object) throw new Error(`object ${ref.tag} is not in the document`);
    const bytes = serialize(ref, object);
    entries.push({ ref, offset });
    parts.push(bytes);
    offset += bytes.length;
  }

  const trailer = doc.context.obj({});
  trailer.set(PDFName.of('Size'), PDFNumber.of(Math.max(previous.size, doc.context.largestObjectNumber + 1)));
  trailer.set(PDFName.of('Root'), doc.context.trailerInfo.Root as PDFRef);
  if (doc.context.trailerInfo.Info) trailer.set(PDFName.of('Info'), doc.context.trailerInfo.Info as PDFRef);
  trailer.set(PDFName.of('ID'), documentId(doc));
  trailer.set(PDFName.of('Prev'), PDFNumber.of(previous.startxref));
  parts.push(Buffer.from(`${xrefTable(entries)}trailer\n${trailer.toString()}\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));

  const update = Buffer.concat(parts);
  const result = new Uint8Array(original.length + update.length);
  result.set(original, 0);
  result.set(update, original.length);
  return result;
}
