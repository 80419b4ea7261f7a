/**
 * Prepares a PDF for signing: an invisible signature field whose value is a
 * signature dictionary with room for the CMS (/Contents) and a /ByteRange to
 * be filled in once the final byte offsets are known.
 *
 * pdf-lib rewrites the whole file on save, so this must be the document's one
 * and last signature; a second signature needs an incremental update instead.
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
import { SignerError } from './errors.ts';
import { findSignatureDictionaries } from './signature-dictionaries.ts';

/**
 * Room for the DER CMS: a 2048/3072-bit RSA signature with a three-certificate
 * chain is about 4–5 KB; the rest leaves space for a B-T time-stamp token later.
 */
export const CONTENTS_CAPACITY_BYTES = 16_384;

/** A PDF name pdf-lib writes verbatim, three of which are later overwritten by the real byte range. */
const BYTE_RANGE_MARK = 'SohoaByteRangePlaceholder';

export interface SignatureDictionaryValues {
  signingTime: Date;
  signerName: string;
  reason?: string;
  location?: string;
  contactInfo?: string;
}

export interface PreparedPdf {
  bytes: Uint8Array;
  /** Offset of the '<' that opens /Contents. */
  contentsStart: number;
  /** Offset just past the '>' that closes /Contents. */
  contentsEnd: number;
  byteRangeStart: number;
  byteRangeEnd: number;
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
  const taken = new Set(doc.catalog.getOrCreateAcroForm().getAllFields().map(([field]) => field.getFullyQualifiedName()));
  let index = 1;
  while (taken.has(`Signature${index}`)) index += 1;
  return `Signature${index}`;
}

function optionalText(value: string | undefined): PDFHexString | undefined {
  // Hex strings in UTF-16BE carry Vietnamese text safely through any PDF reader.
  return value ? PDFHexString.fromText(value) : undefined;
}

function signatureDictionary(doc: PDFDocument, values: SignatureDictionaryValues): PDFRef {
  const byteRange = PDFArray.withContext(doc.context);
  byteRange.push(PDFNumber.of(0));
  for (let index = 0; index < 3; index += 1) byteRange.push(PDFName.of(BYTE_RANGE_MARK));

  const entries: Record<string, unknown> = {
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(CONTENTS_CAPACITY_BYTES * 2)),
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

/** An invisible widget: zero-size, printed (PDF/A wants the Print flag) and locked. */
function invisibleWidget(doc: PDFDocument, page: PDFPage, fieldName: string, signatureRef: PDFRef): PDFRef {
  const emptyAppearance = doc.context.register(
    doc.context.stream('', { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 0, 0] }),
  );
  const widget = doc.context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: PDFString.of(fieldName), // ASCII by construction
    V: signatureRef,
    Rect: [0, 0, 0, 0],
    F: 4 | 128,
    P: page.ref,
    AP: { N: emptyAppearance },
  });
  return doc.context.register(widget);
}

function indexOfText(bytes: Uint8Array, text: string, from = 0): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(text, from, 'latin1');
}

/** Finds where pdf-lib wrote the placeholders; each must occur exactly once. */
export function locatePlaceholders(bytes: Uint8Array): Omit<PreparedPdf, 'bytes'> {
  const contentsText = `<${'0'.repeat(CONTENTS_CAPACITY_BYTES * 2)}>`;
  const contentsStart = indexOfText(bytes, contentsText);
  const markStart = indexOfText(bytes, `/${BYTE_RANGE_MARK}`);
  if (contentsStart < 0 || markStart < 0 || indexOfText(bytes, contentsText, contentsStart + 1) >= 0) {
    throw new SignerError('bad-pdf', 'The signature placeholder could not be found in the saved PDF.');
  }
  const byteRangeStart = Buffer.from(bytes.subarray(0, markStart)).lastIndexOf('[');
  const byteRangeEnd = indexOfText(bytes, ']', markStart) + 1;
  return { contentsStart, contentsEnd: contentsStart + contentsText.length, byteRangeStart, byteRangeEnd };
}

export async function prepareForSigning(pdf: Uint8Array, values: SignatureDictionaryValues): Promise<PreparedPdf> {
  const doc = await loadForSigning(pdf);
  if (findSignatureDictionaries(doc).length > 0) {
    // Rewriting the file would invalidate the signatures already in it.
    throw new SignerError('already-signed', 'The PDF is already signed; adding a second signature is not supported yet.');
  }
  const page = doc.getPages()[0];
  if (!page) throw new SignerError('bad-pdf', 'The PDF has no pages.');

  const fieldName = uniqueFieldName(doc);
  const widget = invisibleWidget(doc, page, fieldName, signatureDictionary(doc, values));
  page.node.addAnnot(widget);
  const acroForm = doc.catalog.getOrCreateAcroForm();
  acroForm.addField(widget);
  acroForm.dict.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist | AppendOnly

  // No object streams: the signature dictionary must sit uncompressed in the
  // file so its /ByteRange and /Contents can be patched in place.
  const bytes = await doc.save({ useObjectStreams: false, updateFieldAppearances: false, addDefaultPage: false });
  return { bytes, ...locatePlaceholders(bytes) };
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
  if (cms.length > CONTENTS_CAPACITY_BYTES) {
    throw new SignerError('signature-too-large', `The signature (${cms.length} bytes) does not fit the ${CONTENTS_CAPACITY_BYTES} bytes reserved.`);
  }
  const hex = Buffer.from(cms).toString('hex').toUpperCase().padEnd(CONTENTS_CAPACITY_BYTES * 2, '0');
  prepared.bytes.set(Buffer.from(hex, 'latin1'), prepared.contentsStart + 1);
}
