/**
 * Verifies every signature in a PDF: which bytes it covers, whether they are
 * unchanged, whether the CMS signature holds, whether the signer's
 * certificate chains to one of the given trust anchors and was valid at the
 * signing time (the time-stamp's when there is one, else the claimed /M), the
 * time-stamp itself, and revocation where a CRL or an OCSP responder is at hand.
 * A revocation status nobody could vouch for ("unknown") makes the signature
 * not valid unless the caller opts into soft-fail, and the report says so
 * either way: an unanswered question is never reported as "not revoked".
 */
import { PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import type * as pkijs from 'pkijs';
import { certificateFromPem, displayName, keyUsageForSigning, splitPemBundle } from './certificate.ts';
import { checkChain } from './chain.ts';
import { checkCms, trimToDer } from './cms-verify.ts';
import { checkRevocation, type RevocationCheck, type RevocationSources } from './revocation.ts';
import { checkTimestampToken, type TimestampCheck } from './timestamp-verify.ts';
import { findSignatureDictionaries, type SignatureDictionary } from './signature-dictionaries.ts';
import { readDss, type ValidationMaterial } from './ltv.ts';
import { certificateFromDer } from './certificate.ts';

export interface SignatureCheck {
  field: string;
  signer: string;
  signingTime: Date | null;
  subFilter: string;
  integrity: boolean;
  chainTrusted: boolean;
  validAtSigningTime: boolean;
  coversWholeDocument: boolean;
  /** B-T: the signature time-stamp, null for B-B. */
  timestamp: TimestampCheck | null;
  revocation: RevocationCheck;
  problems: string[];
  /** Facts worth knowing that do not make the signature invalid, in words. */
  notes: string[];
}

export interface VerificationReport {
  /**
   * True only when there is at least one signature, every one is intact,
   * chains to a trusted anchor, had a certificate valid at its signing time and
   * allowed to sign, has a revocation status that is not unknown (or soft-fail
   * is on), and the last one covers the whole file.
   */
  valid: boolean;
  signatures: SignatureCheck[];
  problems: string[];
}

export interface VerifyOptions {
  /** Authorities trusted for signers and time-stamp authorities alike. */
  trustAnchorsPem: string[];
  /** Where revocation can be looked up; without any, a certificate that names a responder has an unknown status. */
  revocation?: RevocationSources;
  /**
   * REVOCATION_SOFT_FAIL: an unknown revocation status (responder down, "unknown"
   * answer, fetching off) does not make the signature invalid; it stays in the notes.
   */
  revocationSoftFail?: boolean;
}

interface SignedRanges {
  chunks: Uint8Array[];
  contents: Uint8Array | null;
  coversWholeDocument: boolean;
  problems: string[];
}

const HEX = /^[0-9A-Fa-f\s]*$/;

/**
 * The byte range must start at 0, leave out exactly the hex string of
 * /Contents and nothing else, and stay inside the file; anything else lets
 * unsigned bytes pass as signed.
 */
function readSignedRanges(bytes: Uint8Array, signature: SignatureDictionary): SignedRanges {
  const range = signature.byteRange;
  const problems: string[] = [];
  const malformed = (why: string): SignedRanges => ({ chunks: [], contents: null, coversWholeDocument: false, problems: [`the signature's byte range ${why}`] });
  if (!range || range.length !== 4) return malformed('is missing or does not have four numbers');
  const [start, firstLength, secondStart, secondLength] = range as [number, number, number, number];
  if (start !== 0) return malformed('does not start at the beginning of the file');
  if (firstLength <= 0 || secondStart <= firstLength || secondLength < 0 || secondStart + secondLength > bytes.length) {
    return malformed('points outside the file or overlaps itself');
  }

  const gap = Buffer.from(bytes.subarray(firstLength, secondStart)).toString('latin1');
  if (!gap.startsWith('<') || !gap.endsWith('>') || !HEX.test(gap.slice(1, -1))) {
    return malformed('leaves out more than the signature value');
  }
  const contents = new Uint8Array(Buffer.from(gap.slice(1, -1).replace(/\s+/g, ''), 'hex'));
  const declared = signature.dict.get(PDFName.of('Contents'));
  const declaredBytes = declared instanceof PDFHexString || declared instanceof PDFString ? declared.asBytes() : null;
  if (!declaredBytes || !Buffer.from(declaredBytes).equals(Buffer.from(contents))) {
    problems.push("the bytes left out by the byte range are not this signature's /Contents");
  }
  const coversWholeDocument = secondStart + secondLength === bytes.length;
  return {
    chunks: [bytes.subarray(0, firstLength), bytes.subarray(secondStart, secondStart + secondLength)],
    contents,
    coversWholeDocument,
    problems,
  };
}

/** What the document keeps for its own validation (B-LT), ready for the checks. */
interface KeptMaterial { certificates: pkijs.Certificate[]; ocspResponses: Uint8Array[]; crls: Uint8Array[] }

function keptMaterial(dss: ValidationMaterial): KeptMaterial {
  const certificates = dss.certificates.flatMap((der) => {
    try {
      return [certificateFromDer(der)];
    } catch {
      return [];
    }
  });
  return { certificates, ocspResponses: dss.ocspResponses, crls: dss.crls };
}

/** Revocation sources: the caller's, plus what the document keeps (answers produced no earlier than `after`). */
function sourcesWith(options: VerifyOptions, kept: KeptMaterial, after: Date): RevocationSources {
  const given = options.revocation ?? {};
  if (!kept.ocspResponses.length && !kept.crls.length) return given;
  return { ...given, crls: [...(given.crls ?? []), ...kept.crls], archivedOcsp: kept.ocspResponses, archivedAfter: after };
}

/**
 * A document time-stamp (B-LTA, /SubFilter /ETSI.RFC3161): the token's imprint must be the digest of the byte
 * ranges, from a trusted authority allowed to time-stamp, valid at the token's time.
 */
async function checkDocumentTimestamp(
  signature: SignatureDictionary, index: number, ranges: SignedRanges, options: VerifyOptions,
): Promise<SignatureCheck & { keyUsageAllowed: boolean }> {
  const anchors = options.trustAnchorsPem.flatMap(splitPemBundle).map(certificateFromPem);
  const stamp = await checkTimestampToken(trimToDer(ranges.contents!), Buffer.concat(ranges.chunks), anchors);
  const check: SignatureCheck & { keyUsageAllowed: boolean } = {
    field: signature.fieldName ?? `(document time-stamp ${index + 1} without a form field)`,
    signer: stamp.authority,
    signingTime: stamp.time,
    subFilter: signature.subFilter ?? 'ETSI.RFC3161',
    // The bytes: the token reads, its CMS holds, and its imprint is the digest of the ranges.
    integrity: ranges.problems.length === 0 && stamp.time !== null && !stamp.problems.some((p) => p.startsWith('time-stamp:') || p.includes('message imprint')),
    chainTrusted: stamp.time !== null && !stamp.problems.some((p) => p.startsWith('time-stamp authority:')),
    validAtSigningTime: stamp.valid,
    coversWholeDocument: ranges.coversWholeDocument,
    timestamp: stamp,
    revocation: { status: 'not-offered', source: 'a document time-stamp: its authority is judged at the time it states' },
    keyUsageAllowed: true,
    problems: [...ranges.problems, ...stamp.problems],
    notes: ['document time-stamp (PAdES B-LTA)'],
  };
  return check;
}

async function checkSignature(bytes: Uint8Array, signature: SignatureDictionary, index: number, options: VerifyOptions, kept: KeptMaterial): Promise<SignatureCheck & { keyUsageAllowed: boolean }> {
  const check: SignatureCheck & { keyUsageAllowed: boolean } = {
    field: signature.fieldName ?? `(signature ${index + 1} without a form field)`,
    signer: signature.name ?? 'unknown',
    signingTime: signature.signingTime,
    subFilter: signature.subFilter ?? 'unknown',
    integrity: false,
    chainTrusted: false,
    validAtSigningTime: false,
    coversWholeDocument: false,
    timestamp: null,
    revocation: { status: 'unknown', source: 'the signature could not be read' },
    keyUsageAllowed: false,
    problems: [],
    notes: [],
  };
  const ranges = readSignedRanges(bytes, signature);
  check.coversWholeDocument = ranges.coversWholeDocument;
  check.problems.push(...ranges.problems);
  if (!ranges.contents) return check;
  if (signature.subFilter === 'ETSI.RFC3161') return checkDocumentTimestamp(signature, index, ranges, options);

  const cms = checkCms(trimToDer(ranges.contents), ranges.chunks);
  check.problems.push(...cms.problems);
  check.integrity = ranges.problems.length === 0 && cms.digestMatches && cms.signatureValid;
  if (!cms.signerCertificate) return check;
  check.signer = displayName(cms.signerCertificate);

  // Each entry may be one certificate or a bundle of them.
  const anchors = options.trustAnchorsPem.flatMap(splitPemBundle).map(certificateFromPem);
  const [token] = cms.timestampTokens;
  if (token && cms.signatureValue) {
    check.timestamp = await checkTimestampToken(token, cms.signatureValue, anchors);
    check.problems.push(...check.timestamp.problems);
  }
  // A trusted time-stamp proves when the signature existed; /M is only the signer's word.
  const trustedTime = check.timestamp?.valid ? check.timestamp.time : null;
  const time = trustedTime ?? signature.signingTime ?? new Date();
  if (!trustedTime && !signature.signingTime) check.problems.push('the signature states no signing time (/M); the certificate was checked at the present time');
  // Intermediates may also come from the document's DSS (B-LT), kept there for when nobody serves them any more.
  const intermediates = [...cms.certificates.filter((certificate) => certificate !== cms.signerCertificate), ...kept.certificates];
  const chain = await checkChain(cms.signerCertificate, intermediates, anchors, time);
  check.chainTrusted = chain.trusted;
  check.validAtSigningTime = chain.validAtTime;
  check.problems.push(...chain.problems);

  check.revocation = await checkRevocation(cms.signerCertificate, chain.path[1], sourcesWith(options, kept, time));
  if (check.revocation.status === 'revoked') {
    const revokedAt = check.revocation.revokedAt!;
    // Without a time-stamp nothing proves the signature predates the revocation:
    // /M is the signer's own word, and whoever stole a key writes it too.
    const before = trustedTime !== null && trustedTime < revokedAt;
    if (!before) {
      check.validAtSigningTime = false;
      const stated = signature.signingTime;
      const why = trustedTime
        ? ', before the time-stamp'
        : stated && revokedAt <= stated
          ? ', before the signing time the signer states'
          : ' and no time-stamp proves the signature was made before that';
      check.problems.push(`the signer's certificate was revoked on ${revokedAt.toISOString()} (${check.revocation.source})${why}`);
    } else {
      check.notes.push(`the signer's certificate was revoked on ${revokedAt.toISOString()}, after the time-stamp of ${trustedTime.toISOString()}: the signature was made while it was still valid`);
    }
  }

  if (check.revocation.status === 'unknown') {
    const unchecked = `revocation could not be checked (${check.revocation.source})`;
    if (options.revocationSoftFail) check.notes.push(`${unchecked}: accepted only because soft-fail is on (REVOCATION_SOFT_FAIL)`);
    else check.problems.push(`${unchecked}: the signer's certificate may have been revoked`);
  }

  const keyUsage = keyUsageForSigning(cms.signerCertificate);
  check.keyUsageAllowed = keyUsage === 'allowed';
  if (keyUsage === 'missing') check.problems.push("the signer's certificate states no key usage, so it is not a signing certificate");
  if (keyUsage === 'not-allowed') check.problems.push("the signer's certificate is not allowed to make signatures (key usage)");
  return check;
}

async function loadForReading(pdf: Uint8Array): Promise<PDFDocument | string> {
  try {
    return await PDFDocument.load(pdf, { ignoreEncryption: true, updateMetadata: false });
  } catch (error) {
    return `the file could not be read as a PDF: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export async function verifyPdf(pdf: Uint8Array, options: VerifyOptions): Promise<VerificationReport> {
  const doc = await loadForReading(pdf);
  if (typeof doc === 'string') return { valid: false, signatures: [], problems: [doc] };

  const dictionaries = findSignatureDictionaries(doc);
  if (dictionaries.length === 0) return { valid: false, signatures: [], problems: ['the document has no signatures'] };
  const kept = keptMaterial(readDss(doc));
  const checks = [];
  for (const [index, dictionary] of dictionaries.entries()) checks.push(await checkSignature(pdf, dictionary, index, options, kept));

  const problems = checks.flatMap((check) => check.problems.map((problem) => `${check.field}: ${problem}`));
  const last = checks[checks.length - 1]!;
  // Earlier signatures not covering the file is how a second signature works; only bytes after the last one are unvouched for.
  if (!last.coversWholeDocument) {
    const range = dictionaries[dictionaries.length - 1]!.byteRange;
    const extra = range && range.length === 4 ? ` (${pdf.length - range[2]! - range[3]!} bytes)` : '';
    problems.unshift(`no signature covers the whole file: content was added after the last signature${extra}`);
  }
  // Content appended after the last signature is not vouched for by anyone; until
  // sohoa writes validation data (B-LT) in later revisions, it makes the record invalid.
  const valid =
    last.coversWholeDocument &&
    checks.every(
      (check) =>
        check.integrity &&
        check.chainTrusted &&
        check.validAtSigningTime &&
        check.keyUsageAllowed &&
        (check.timestamp?.valid ?? true) &&
        (check.revocation.status !== 'unknown' || options.revocationSoftFail === true),
    );
  return {
    valid,
    signatures: checks.map(({ keyUsageAllowed: _keyUsageAllowed, ...check }) => check),
    problems,
  };
}
