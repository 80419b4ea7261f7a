/**
 * Finds the signature dictionaries of a PDF, with the name of the form field
 * each one is the value of. Pure reading over a loaded pdf-lib document.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFObject, PDFRef, PDFString } from 'pdf-lib';

export interface SignatureDictionary {
  /** Fully qualified field name, or null when no form field points to it. */
  fieldName: string | null;
  dict: PDFDict;
  byteRange: number[] | null;
  subFilter: string | null;
  /** /M — the signing time the signer claims. */
  signingTime: Date | null;
  name: string | null;
  reason: string | null;
  location: string | null;
}

const TYPE = PDFName.of('Type');
const BYTE_RANGE = PDFName.of('ByteRange');
const CONTENTS = PDFName.of('Contents');

/** Parses a PDF date: D:YYYYMMDDHHmmSSOHH'mm' with every part after the year optional. */
export function parsePdfDate(text: string): Date | null {
  const match = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+-])?(?:(\d{2})'?(\d{2})?'?)?/.exec(text.trim());
  if (!match) return null;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', sign, offsetHours = '00', offsetMinutes = '00'] = match;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const time = sign === '+' ? utc - offset : sign === '-' ? utc + offset : utc;
  return Number.isNaN(time) ? null : new Date(time);
}

function text(value: PDFObject | undefined): string | null {
  if (value instanceof PDFString || value instanceof PDFHexString) return value.decodeText();
  if (value instanceof PDFName) return value.decodeText();
  return null;
}

function isSignatureDictionary(dict: PDFDict): boolean {
  const type = dict.get(TYPE);
  if (type === PDFName.of('Sig') || type === PDFName.of('DocTimeStamp')) return true;
  return dict.has(BYTE_RANGE) && dict.has(CONTENTS);
}

function readByteRange(doc: PDFDocument, dict: PDFDict): number[] | null {
  const value = doc.context.lookup(dict.get(BYTE_RANGE));
  if (!(value instanceof PDFArray)) return null;
  const numbers = value.asArray().map((item) => doc.context.lookup(item));
  if (!numbers.every((item): item is PDFNumber => item instanceof PDFNumber)) return null;
  return numbers.map((item) => item.asNumber());
}

function describe(doc: PDFDocument, fieldName: string | null, dict: PDFDict): SignatureDictionary {
  const lookup = (key: string) => doc.context.lookup(dict.get(PDFName.of(key)));
  const signingTimeText = text(lookup('M'));
  return {
    fieldName,
    dict,
    byteRange: readByteRange(doc, dict),
    subFilter: text(lookup('SubFilter')),
    signingTime: signingTimeText ? parsePdfDate(signingTimeText) : null,
    name: text(lookup('Name')),
    reason: text(lookup('Reason')),
    location: text(lookup('Location')),
  };
}

/** Walks the AcroForm field tree; returns [qualified name, value dictionary] of signed signature fields. */
function signedFields(doc: PDFDocument): Array<[string, PDFDict]> {
  const found: Array<[string, PDFDict]> = [];
  const seen = new Set<PDFDict>();
  const acroForm = doc.context.lookup(doc.catalog.get(PDFName.of('AcroForm')));
  if (!(acroForm instanceof PDFDict)) return found;

  const visit = (node: PDFObject | undefined, parentName: string) => {
    const field = doc.context.lookup(node);
    if (!(field instanceof PDFDict) || seen.has(field)) return; // guards against cycles
    seen.add(field);
    const partial = text(field.get(PDFName.of('T')));
    const name = partial === null ? parentName : parentName ? `${parentName}.${partial}` : partial;
    const value = doc.context.lookup(field.get(PDFName.of('V')));
    if (value instanceof PDFDict && isSignatureDictionary(value)) found.push([name, value]);
    const kids = doc.context.lookup(field.get(PDFName.of('Kids')));
    if (kids instanceof PDFArray) for (const kid of kids.asArray()) visit(kid, name);
  };
  const fields = doc.context.lookup(acroForm.get(PDFName.of('Fields')));
  if (fields instanceof PDFArray) for (const field of fields.asArray()) visit(field, '');
  return found;
}

/**
 * Every signature dictionary: those that are field values, then any other
 * /Type /Sig object (a field may have been removed by a later update, and
 * that is worth reporting), in the order their signed ranges end.
 */
export function findSignatureDictionaries(doc: PDFDocument): SignatureDictionary[] {
  const byField = signedFields(doc);
  const known = new Set(byField.map(([, dict]) => dict));
  const orphans = doc.context
    .enumerateIndirectObjects()
    .filter((entry): entry is [PDFRef, PDFDict] => entry[1] instanceof PDFDict && !known.has(entry[1]))
    .filter(([, dict]) => isSignatureDictionary(dict) && dict.has(BYTE_RANGE));

  const signatures = [
    ...byField.map(([name, dict]) => describe(doc, name, dict)),
    ...orphans.map(([, dict]) => describe(doc, null, dict)),
  ];
  const rangeEnd = (signature: SignatureDictionary) => {
    const range = signature.byteRange;
    return range && range.length === 4 ? range[2]! + range[3]! : Number.MAX_SAFE_INTEGER;
  };
  return signatures.sort((a, b) => rangeEnd(a) - rangeEnd(b));
}
