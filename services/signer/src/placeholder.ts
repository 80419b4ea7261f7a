/**
 * Prepares a PDF for signing: a signature field whose value is a signature
 * dictionary with room for the CMS (/Contents) and a /ByteRange to be filled
 * in once the final byte offsets are known, optionally with a visible
 * appearance.
 *
 * Everything is appended as an incremental update, never a rewrite: the
 * original bytes (and any signature over them, and PDF/A conformance as far
 * as the input had it) stay untouched, so an officer's signature survives the
 * unit's signature that follows it.
 */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRef,
  PDFString,
  type PDFPage,
} from 'pdf-lib';
import type { PlacedAppearance, SignaturePlacement } from './appearance.ts';
import { placeAppearance, type SignatureAppearance } from './appearance.ts';
import { SignerError } from './errors.ts';
import { appendIncrementalUpdate, previousRevision, reserveObjectNumbersFrom } from './incremental-update.ts';

/**
 * Room for the DER CMS: a 2048/3072-bit RSA signature with a three-certificate
 * chain is about 4–5 KB. A B-T time-stamp token brings the TSA's own
 * signature and certificates, so B-T reserves twice as much.
 */
export const CONTENTS_CAPACITY_BYTES = 16_384;
export const CONTENTS_CAPACITY_WITH_TIMESTAMP_BYTES = 32_768;

/** A PDF name pdf-lib writes verbatim, three of which are later overwritten by the real byte range. */
const BYTE_RANGE_MARK = 'SohoaByteRangePlaceholder';

export interface SignatureDictionaryValues {
  signingTime: Date;
  signerName: string;
  reason?: string;
  location?: string;
  contactInfo?: string;
}

export interface PrepareOptions {
  appearance?: SignatureAppearance;
  /**
   * 'document-timestamp' (PAdES B-LTA): /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161, /Contents an RFC 3161
   * token over the byte ranges; no /M, no signer. 'signature' by default.
   */
  kind?: 'signature' | 'document-timestamp';
  /** Bytes reserved for the DER CMS; CONTENTS_CAPACITY_BYTES by default. */
  contentsCapacity?: number;
}

export interface PreparedPdf {
  bytes: Uint8Array;
  contentsCapacity: number;
  /** Offset of the '<' that opens /Contents. */
  contentsStart: number;
  /** Offset just past the '>' that closes /Contents. */
  contentsEnd: number;
  byteRangeStart: number;
  byteRangeEnd: number;
  /** Where the visible box went on page 1, and any warning about it; absent for an invisible signature. */
  placement?: SignaturePlacement;
}

async function loadForSigning(pdf: Uint8Array): Promise<PDFDocument> {
  try {
    // updateMetadata false: pdf-lib would stamp its own Producer and dates into
    // /Info and leave the XMP untouched, which breaks PDF/A consistency.
    return await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SignerError('bad-pdf', `The PDF could not be read for signing: ${message}`);
  }
}

function uniqueFieldName(doc: PDFDocument): string {
  // getAcroForm, not getOrCreateAcroForm: creating it here would change the catalog behind the update's back.
  const fields = doc.catalog.getAcroForm()?.getAllFields() ?? [];
  const taken = new Set(fields.map(([field]) => field.getFullyQualifiedName()));
  let index = 1;
  while (taken.has(`Signature${index}`)) index += 1;
  return `Signature${index}`;
}

function optionalText(value: string | undefined): PDFHexString | undefined {
  // Hex strings in UTF-16BE carry Vietnamese text safely through any PDF reader.
  return value ? PDFHexString.fromText(value) : undefined;
}

function signatureDictionary(doc: PDFDocument, values: SignatureDictionaryValues, capacity: number, kind: PrepareOptions['kind'] = 'signature'): PDFRef {
  const byteRange = PDFArray.withContext(doc.context);
  byteRange.push(PDFNumber.of(0));
  for (let index = 0; index < 3; index += 1) byteRange.push(PDFName.of(BYTE_RANGE_MARK));

  const timestamp = kind === 'document-timestamp';
  const entries: Record<string, unknown> = timestamp
    ? { Type: 'DocTimeStamp', Filter: 'Adobe.PPKLite', SubFilter: 'ETSI.RFC3161', ByteRange: byteRange, Contents: PDFHexString.of('0'.repeat(capacity * 2)) }
    : {
        Type: 'Sig',
        Filter: 'Adobe.PPKLite',
        SubFilter: 'ETSI.CAdES.detached',
        ByteRange: byteRange,
        Contents: PDFHexString.of('0'.repeat(capacity * 2)),
        M: PDFString.fromDate(values.signingTime),
        Name: optionalText(values.signerName),
        Reason: optionalText(values.reason),
        Location: optionalText(values.location),
        ContactInfo: optionalText(values.contactInfo),
      };
  const dict = PDFDict.withContext(doc.context);
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    dict.set(PDFName.of(key), typeof value === 'string' ? PDFName.of(value) : (value as PDFArray));
  }
  return doc.context.register(dict);
}

/**
 * The field and its widget in one dictionary, printed (PDF/A wants the Print
 * flag) and locked; invisible (zero-size, empty appearance) unless placed.
 */
function signatureWidget(doc: PDFDocument, page: PDFPage, fieldName: string, signatureRef: PDFRef, placed: PlacedAppearance | null): PDFRef {
  const appearance =
    placed?.appearance ?? doc.context.register(doc.context.stream('', { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 0, 0] }));
  const widget = doc.context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: PDFString.of(fieldName), // ASCII by construction
    V: signatureRef,
    Rect: placed?.rect ?? [0, 0, 0, 0],
    F: 4 | 128,
    P: page.ref,
    AP: { N: appearance },
  });
  return doc.context.register(widget);
}

/**
 * Appends `item` to the array at dict[key], creating the array if needed, and
 * returns the objects that changed and so must be written in the update: the
 * array when it is an object of its own, the holder otherwise.
 */
function appendToArray(doc: PDFDocument, holderRef: PDFRef, holder: PDFDict, key: string, item: PDFRef): PDFRef {
  const current = holder.get(PDFName.of(key));
  const array = doc.context.lookup(current);
  if (current instanceof PDFRef && array instanceof PDFArray) {
    array.push(item);
    return current;
  }
  if (array instanceof PDFArray) array.push(item);
  else holder.set(PDFName.of(key), doc.context.obj([item]));
  return holderRef;
}

/** The catalog's /AcroForm, created when absent, and the object to rewrite when it changes. */
function acroFormOf(doc: PDFDocument, catalogRef: PDFRef): { dict: PDFDict; ref: PDFRef } {
  const current = doc.catalog.get(PDFName.of('AcroForm'));
  const dict = doc.context.lookup(current);
  if (current instanceof PDFRef && dict instanceof PDFDict) return { dict, ref: current };
  if (dict instanceof PDFDict) return { dict, ref: catalogRef };
  const created = doc.context.obj({ Fields: [] });
  const ref = doc.context.register(created);
  doc.catalog.set(PDFName.of('AcroForm'), ref);
  return { dict: created, ref: catalogRef };
}

function indexOfText(bytes: Uint8Array, text: string, from = 0): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(text, from, 'latin1');
}

/** Finds where pdf-lib wrote the placeholders; each must occur exactly once. */
export function locatePlaceholders(bytes: Uint8Array, from = 0, contentsCapacity = CONTENTS_CAPACITY_BYTES): Omit<PreparedPdf, 'bytes'> {
  const contentsText = `<${'0'.repeat(contentsCapacity * 2)}>`;
  const contentsStart = indexOfText(bytes, contentsText, from);
  const markStart = indexOfText(bytes, `/${BYTE_RANGE_MARK}`, from);
  if (contentsStart < 0 || markStart < 0 || indexOfText(bytes, contentsText, contentsStart + 1) >= 0) {
    throw new SignerError('bad-pdf', 'The signature placeholder could not be found in the saved PDF.');
  }
  const byteRangeStart = Buffer.from(bytes.subarray(0, markStart)).lastIndexOf('[');
  const byteRangeEnd = indexOfText(bytes, ']', markStart) + 1;
  return { contentsCapacity, contentsStart, contentsEnd: contentsStart + contentsText.length, byteRangeStart, byteRangeEnd };
}

export async function prepareForSigning(pdf: Uint8Array, values: SignatureDictionaryValues, options: PrepareOptions = {}): Promise<PreparedPdf> {
  const doc = await loadForSigning(pdf);
  const previous = previousRevision(pdf);
  reserveObjectNumbersFrom(doc, previous);
  const firstNewObject = doc.context.largestObjectNumber + 1;
  const page = doc.getPages()[0];
  if (!page) throw new SignerError('bad-pdf', 'The PDF has no pages.');
  const catalogRef = doc.context.trailerInfo.Root;
  if (!(catalogRef instanceof PDFRef)) throw new SignerError('bad-pdf', 'The PDF trailer does not point at its catalog.');
  const capacity = options.contentsCapacity ?? CONTENTS_CAPACITY_BYTES;

  const fieldName = uniqueFieldName(doc);
  const placed = options.appearance ? await placeAppearance(doc, page, options.appearance, values.signingTime) : null;
  const widget = signatureWidget(doc, page, fieldName, signatureDictionary(doc, values, capacity, options.kind), placed);
  const acroForm = acroFormOf(doc, catalogRef);
  const changed = [
    // Not page.node.addAnnot: pdf-lib would "normalize" the page first, rewriting its content streams and resources.
    appendToArray(doc, page.ref, page.node, 'Annots', widget),
    appendToArray(doc, acroForm.ref, acroForm.dict, 'Fields', widget),
    acroForm.ref,
  ];
  acroForm.dict.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist | AppendOnly
  await doc.flush(); // writes the font subset and the seal image objects
  placed?.done();

  const created = doc.context
    .enumerateIndirectObjects()
    .map(([ref]) => ref)
    .filter((ref) => ref.objectNumber >= firstNewObject);
  const bytes = appendIncrementalUpdate(pdf, doc, [...changed, ...created], previous);
  return { bytes, ...locatePlaceholders(bytes, pdf.length, capacity), placement: placed?.placement };
}

/**
 * Writes the final /ByteRange over its placeholder, padded with spaces so no
 * offset moves. Returns the two signed ranges as [offset, length, offset, length].
 */
export function fillByteRange(prepared: PreparedPdf): number[] {
  const { bytes, contentsStart, contentsEnd, byteRangeStart, byteRangeEnd } = prepared;
  const byteRange = [0, contentsStart, contentsEnd, bytes.length - contentsEnd];
  const text = `[${byteRange.join(' ')}]`;
  const width = byteRangeEnd - byteRangeStart;
  if (text.length > width) throw new SignerError('bad-pdf', 'The byte range does not fit its placeholder.');
  bytes.set(Buffer.from(text.padEnd(width, ' '), 'latin1'), byteRangeStart);
  return byteRange;
}

/** Writes the DER CMS into /Contents as hex, zero-padded to the reserved size. */
export function fillContents(prepared: PreparedPdf, cms: Uint8Array): void {
  const capacity = prepared.contentsCapacity;
  if (cms.length > capacity) {
    throw new SignerError('signature-too-large', `The signature (${cms.length} bytes) does not fit the ${capacity} bytes reserved.`);
  }
  const hex = Buffer.from(cms).toString('hex').toUpperCase().padEnd(capacity * 2, '0');
  prepared.bytes.set(Buffer.from(hex, 'latin1'), prepared.contentsStart + 1);
}
