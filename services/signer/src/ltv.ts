/**
 * Long-term validation (PAdES B-LT and B-LTA, ETSI EN 319 142-1 §5.4–5.5): a signed PDF is extended, by
 * incremental updates that leave every signature's bytes as they were,
 *   1. with a Document Security Store (/DSS in the catalog: /Certs, /OCSPs, /CRLs) holding the certificates of
 *      every signature and time-stamp and the revocation answers gathered now, while the CA's responders still
 *      answer (B-LT; no /VRI: it is optional and verifiers search the whole DSS);
 *   2. then with a document time-stamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161) over the whole file,
 *      DSS included (B-LTA). Renewing it before the time-stamp authority's certificate expires repeats both steps.
 * A verifier later needs neither the CA nor its responders: verify.ts reads the DSS.
 */
import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, decodePDFRawStream } from 'pdf-lib';
import type * as pkijs from 'pkijs';
import { certificateDer, certificateFromPem, displayName, splitPemBundle } from './certificate.ts';
import { checkChain } from './chain.ts';
import { checkCms, trimToDer } from './cms-verify.ts';
import { SignerError } from './errors.ts';
import { appendIncrementalUpdate, previousRevision, reserveObjectNumbersFrom } from './incremental-update.ts';
import { askOcspResponder, ocspResponderUrls } from './ocsp.ts';
import { CONTENTS_CAPACITY_BYTES, fillByteRange, fillContents, prepareForSigning } from './placeholder.ts';
import { DEFAULT_OUTBOUND_LIMITS, fetchOutbound, type OutboundLimits } from './outbound.ts';
import { distributionPointUrls } from './revocation.ts';
import { findSignatureDictionaries } from './signature-dictionaries.ts';
import { requestTimestamp, tstInfoOf, type TimestampAuthority } from './timestamp.ts';

/** What a DSS holds, as DER. */
export interface ValidationMaterial {
  certificates: Uint8Array[];
  ocspResponses: Uint8Array[];
  crls: Uint8Array[];
}

export interface GatherOptions {
  trustAnchorsPem: string[];
  /** A responder to ask instead of the certificates' own (OCSP_URL). */
  ocspUrl?: string;
  fetchTimeoutMs?: number;
  /** Limits of every fetch (outbound.ts); absent: the defaults, which ask no private or loopback address. */
  outbound?: OutboundLimits;
}

/** What was gathered, and, in words, each certificate for which no revocation answer could be had. */
export interface GatheredMaterial { material: ValidationMaterial; problems: string[] }

const loadPdf = async (pdf: Uint8Array) => {
  try {
    return await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (error) {
    throw new SignerError('bad-pdf', `The PDF could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
};

type SignedObjectKind = 'signature' | 'signature-timestamp' | 'document-timestamp';
interface SignedObject { kind: SignedObjectKind; cms: ReturnType<typeof checkCms>; time: Date }

/** Every CMS in the file: signatures, their signature time-stamp tokens, and document time-stamps. */
async function signedObjects(pdf: Uint8Array, loaded?: PDFDocument): Promise<SignedObject[]> {
  const doc = loaded ?? (await loadPdf(pdf));
  const out: SignedObject[] = [];
  for (const signature of findSignatureDictionaries(doc)) {
    const range = signature.byteRange;
    if (!range || range.length !== 4) continue;
    const contents = Buffer.from(Buffer.from(pdf.subarray(range[1]!, range[2]!)).toString('latin1').replace(/[<>\s]/g, ''), 'hex');
    const der = trimToDer(new Uint8Array(contents));
    const cms = checkCms(der, [], { pades: false });
    const documentTimestamp = signature.subFilter === 'ETSI.RFC3161';
    const time = documentTimestamp ? tstInfoOf(der).genTime : (signature.signingTime ?? new Date());
    out.push({ kind: documentTimestamp ? 'document-timestamp' : 'signature', cms, time });
    for (const token of cms.timestampTokens) out.push({ kind: 'signature-timestamp', cms: checkCms(token, [], { pades: false }), time: tstInfoOf(token).genTime });
  }
  return out;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function fetchBytes(url: string, limits: OutboundLimits): Promise<Uint8Array | null> {
  try {
    return (await fetchOutbound(url, {}, limits)).bytes;
  } catch {
    return null;
  }
}

/**
 * Asks, now, for what a verifier will need once the CA is gone: each chain up to its trust anchor, an OCSP answer
 * for each certificate below the anchor that names a responder (else the CRL of its distribution point).
 */
export async function gatherValidationMaterial(pdf: Uint8Array, options: GatherOptions): Promise<GatheredMaterial> {
  const anchors = options.trustAnchorsPem.flatMap(splitPemBundle).map(certificateFromPem);
  const certificates = new Map<string, Uint8Array>();
  const ocspResponses = new Map<string, Uint8Array>();
  const crls = new Map<string, Uint8Array>();
  const problems: string[] = [];
  const limits = { ...(options.outbound ?? DEFAULT_OUTBOUND_LIMITS), timeoutMs: options.fetchTimeoutMs ?? 5000 };
  const add = (into: Map<string, Uint8Array>, bytes: Uint8Array) => into.set(sha(bytes), bytes);
  const asked = new Set<string>();

  for (const { cms, time } of await signedObjects(pdf)) {
    if (!cms.signerCertificate) continue;
    const others = cms.certificates.filter((c) => c !== cms.signerCertificate);
    const chain = await checkChain(cms.signerCertificate, others, anchors, time);
    const path: pkijs.Certificate[] = chain.path.length ? chain.path : [cms.signerCertificate];
    for (const certificate of path) add(certificates, certificateDer(certificate));
    for (let index = 0; index + 1 < path.length; index++) {
      const [subject, issuer] = [path[index]!, path[index + 1]!];
      const key = sha(certificateDer(subject));
      if (asked.has(key)) continue;
      asked.add(key);
      const urls = options.ocspUrl ? [options.ocspUrl] : ocspResponderUrls(subject);
      let answered = false;
      for (const url of urls) {
        const answer = await askOcspResponder(subject, issuer, { url, outbound: { ...limits, allowPrivate: limits.allowPrivate || url === options.ocspUrl } });
        if (answer.response) {
          add(ocspResponses, answer.response);
          answered = true;
          break;
        }
      }
      if (!answered) {
        for (const url of distributionPointUrls(subject)) {
          const crl = await fetchBytes(url, limits);
          if (crl) {
            add(crls, crl);
            answered = true;
            break;
          }
        }
      }
      const named = urls.length + distributionPointUrls(subject).length;
      if (!answered && named > 0) problems.push(`no revocation answer could be had for ${displayName(subject)}`);
    }
  }
  return { material: { certificates: [...certificates.values()], ocspResponses: [...ocspResponses.values()], crls: [...crls.values()] }, problems };
}

const DSS_KEYS = { certificates: 'Certs', ocspResponses: 'OCSPs', crls: 'CRLs' } as const;

function streamBytes(object: unknown): Uint8Array | null {
  if (object instanceof PDFRawStream) return decodePDFRawStream(object).decode();
  return null;
}

/** The DSS of a loaded document, as DER. */
export function readDss(doc: PDFDocument): ValidationMaterial {
  const material: ValidationMaterial = { certificates: [], ocspResponses: [], crls: [] };
  const dss = doc.context.lookup(doc.catalog.get(PDFName.of('DSS')));
  if (!(dss instanceof PDFDict)) return material;
  for (const [field, key] of Object.entries(DSS_KEYS) as [keyof ValidationMaterial, string][]) {
    const array = doc.context.lookup(dss.get(PDFName.of(key)));
    if (!(array instanceof PDFArray)) continue;
    for (const item of array.asArray()) {
      const bytes = streamBytes(doc.context.lookup(item));
      if (bytes) material[field].push(bytes);
    }
  }
  return material;
}

/** Appends the material to the file's DSS (created when absent) as one incremental update; nothing already there is repeated. */
export async function addDss(pdf: Uint8Array, material: ValidationMaterial): Promise<Uint8Array> {
  const doc = await loadPdf(pdf);
  const previous = previousRevision(pdf);
  reserveObjectNumbersFrom(doc, previous);
  const catalogRef = doc.context.trailerInfo.Root;
  if (!(catalogRef instanceof PDFRef)) throw new SignerError('bad-pdf', 'The PDF trailer does not point at its catalog.');
  const existing = readDss(doc);
  // The DSS dictionary is written anew in the update (an object of its own), and the catalog with it when it is new.
  const currentRef = doc.catalog.get(PDFName.of('DSS'));
  const current = doc.context.lookup(currentRef);
  const dss = current instanceof PDFDict ? current : doc.context.obj({});
  const dssRef = currentRef instanceof PDFRef ? currentRef : doc.context.register(dss);
  const changed: PDFRef[] = [dssRef];
  if (!(currentRef instanceof PDFRef)) {
    doc.catalog.set(PDFName.of('DSS'), dssRef);
    changed.push(catalogRef);
  }
  for (const [field, key] of Object.entries(DSS_KEYS) as [keyof ValidationMaterial, string][]) {
    const known = new Set(existing[field].map(sha));
    const fresh = material[field].filter((bytes) => !known.has(sha(bytes)));
    if (!fresh.length) continue;
    const arrayRef = dss.get(PDFName.of(key));
    const found = doc.context.lookup(arrayRef);
    const array = found instanceof PDFArray ? found : doc.context.obj([]);
    if (arrayRef instanceof PDFRef) changed.push(arrayRef);
    else dss.set(PDFName.of(key), array);
    for (const bytes of fresh) {
      const ref = doc.context.register(doc.context.flateStream(bytes));
      array.push(ref);
      changed.push(ref);
    }
  }
  return appendIncrementalUpdate(pdf, doc, changed, previous);
}

/** B-LTA: a document time-stamp over the whole file (an invisible field, as an incremental update). */
export async function addDocumentTimestamp(pdf: Uint8Array, authority: TimestampAuthority): Promise<Uint8Array> {
  const prepared = await prepareForSigning(pdf, { signingTime: new Date(), signerName: '' }, { kind: 'document-timestamp', contentsCapacity: CONTENTS_CAPACITY_BYTES });
  const [a, b, c, d] = fillByteRange(prepared) as [number, number, number, number];
  const covered = Buffer.concat([prepared.bytes.subarray(a, a + b), prepared.bytes.subarray(c, c + d)]);
  fillContents(prepared, await requestTimestamp(authority, covered));
  return prepared.bytes;
}

export interface ExtendOptions extends GatherOptions { timestampAuthority: TimestampAuthority }

export interface Extension { pdf: Uint8Array; problems: string[]; timestamp: { time: Date; expires: Date } }

/**
 * B-LT then B-LTA: the DSS with what the responders say now, then a document time-stamp over the whole file. The
 * new time-stamp's own chain travels in its token; its revocation data goes into the DSS at the next renewal.
 */
export async function extendToLta(pdf: Uint8Array, options: ExtendOptions): Promise<Extension> {
  const gathered = await gatherValidationMaterial(pdf, options);
  const stamped = await addDocumentTimestamp(await addDss(pdf, gathered.material), options.timestampAuthority);
  return { pdf: stamped, problems: gathered.problems, timestamp: await lastTimestampOf(stamped) };
}

/** The newest time-stamp in a file (document or signature time-stamp) and when its authority's certificate expires. */
export async function lastTimestampOf(pdf: Uint8Array): Promise<{ time: Date; expires: Date }> {
  const stamps = (await signedObjects(pdf)).filter((o) => o.cms.signerCertificate && isTimestampAuthority(o.cms.signerCertificate));
  const last = stamps.sort((x, y) => x.time.getTime() - y.time.getTime()).pop();
  if (!last) throw new SignerError('bad-pdf', 'The PDF carries no time-stamp.');
  return { time: last.time, expires: last.cms.signerCertificate!.notAfter.value };
}

function isTimestampAuthority(certificate: pkijs.Certificate): boolean {
  return !!certificate.extensions?.some((e) => e.extnID === '2.5.29.37' && Buffer.from(e.extnValue.valueBlock.valueHexView).includes(Buffer.from([0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08])));
}

/** PAdES baseline levels, lowest to highest (ETSI EN 319 142-1). */
export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** What long-term validation needs to know of a signed file, read off the file itself. */
export interface LtvFacts {
  /** B-LTA: a document time-stamp; B-LT: a DSS after the signatures; B-T: every signature time-stamped; else B-B. */
  level: PadesLevel;
  /** The earliest expiry among the signers' certificates (null: no signature could be read). */
  signerCertificateExpires: Date | null;
  /** The newest document time-stamp and its authority certificate's expiry (null below B-LTA). */
  lastDocumentTimestamp: { time: Date; expires: Date } | null;
}

export async function ltvFactsOf(pdf: Uint8Array): Promise<LtvFacts> {
  const doc = await loadPdf(pdf);
  const objects = await signedObjects(pdf, doc);
  const signatures = objects.filter((o) => o.kind === 'signature');
  const expiries = signatures.flatMap((o) => (o.cms.signerCertificate ? [o.cms.signerCertificate.notAfter.value.getTime()] : []));
  const stamps = objects.filter((o) => o.kind === 'document-timestamp' && o.cms.signerCertificate).sort((x, y) => x.time.getTime() - y.time.getTime());
  const last = stamps.at(-1);
  const dss = readDss(doc);
  const timestamped = signatures.length > 0 && signatures.every((o) => o.cms.timestampTokens.length > 0);
  const level: PadesLevel = last ? 'B-LTA' : dss.certificates.length + dss.ocspResponses.length + dss.crls.length > 0 ? 'B-LT' : timestamped ? 'B-T' : 'B-B';
  return {
    level,
    signerCertificateExpires: expiries.length ? new Date(Math.min(...expiries)) : null,
    lastDocumentTimestamp: last ? { time: last.time, expires: last.cms.signerCertificate!.notAfter.value } : null,
  };
}
