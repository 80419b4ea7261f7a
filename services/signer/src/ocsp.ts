/**
 * Revocation of a signer's certificate by OCSP (RFC 6960): ask the issuing
 * CA's responder about one certificate, and accept the answer only when it is
 * signed by that CA or by a responder the CA delegated (a certificate it
 * issued with id-kp-OCSPSigning), is about this very certificate, and is fresh.
 *
 * The judgement (`judgeOcspResponse`) is pure over the response bytes; only
 * `askOcspResponder` touches the network.
 */
import * as asn1js from 'asn1js';
import { createHash, randomBytes } from 'node:crypto';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { displayName, validityAt } from './certificate.ts';
import { issuedBy } from './chain.ts';
import { DIGEST_BY_OID } from './digests.ts';
import { DEFAULT_OUTBOUND_LIMITS, fetchOutbound, OutboundRefused, type OutboundLimits } from './outbound.ts';

const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OID_ACCESS_METHOD_OCSP = '1.3.6.1.5.5.7.48.1';
const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OID_EXTENDED_KEY_USAGE = '2.5.29.37';
const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';


const RESPONSE_STATUS_WORDS: Record<number, string> = {
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

const CRL_REASONS = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
  'cessationOfOperation', 'certificateHold', '(unused)', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise',
];

/** Clocks of responder and verifier disagree a little; more than this is not a clock problem. */
const CLOCK_SKEW_MS = 5 * 60_000;
/**
 * An answer without nextUpdate says "newer information is always available"
 * (RFC 6960 §4.2.2.1), so only a recent one counts.
 */
const MAX_AGE_WITHOUT_NEXT_UPDATE_MS = 60 * 60_000;

export type CertIdHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface OcspCheck {
  /**
   * good/revoked/unknown: the responder's signed answer, accepted.
   * unreachable: no usable answer came back. rejected: an answer came back
   * that must not be believed (wrong signer, bad signature, stale, another certificate).
   */
  status: 'good' | 'revoked' | 'unknown' | 'unreachable' | 'rejected';
  revokedAt?: Date;
  /** The CRL reason the responder gave, e.g. keyCompromise. */
  reason?: string;
  /** When the responder vouched for the status. */
  thisUpdate?: Date;
  /** The responder's error status when it refused, e.g. malformedRequest. */
  refusal?: string;
  /** In words: what the answer was, or why there is none. */
  detail: string;
  /** The DER OCSPResponse of an accepted answer (good/revoked/unknown), to keep in a PDF's DSS (B-LT). */
  response?: Uint8Array;
}

export interface OcspRequestBytes {
  der: Uint8Array;
  nonce: Uint8Array;
}

/** http(s) OCSP responder URLs in the certificate's Authority Information Access. */
export function ocspResponderUrls(certificate: pkijs.Certificate): string[] {
  const extension = certificate.extensions?.find((item) => item.extnID === OID_AUTHORITY_INFO_ACCESS);
  if (!extension) return [];
  try {
    const access = pkijs.InfoAccess.fromBER(extension.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
    return access.accessDescriptions
      .filter((description) => description.accessMethod === OID_ACCESS_METHOD_OCSP)
      .map((description) => description.accessLocation)
      .filter((name) => name.type === 6 && typeof name.value === 'string' && /^https?:\/\//.test(name.value))
      .map((name) => name.value as string);
  } catch {
    return [];
  }
}

/** An unsigned request for one certificate, with a nonce so a replayed old answer can be told apart. */
export async function buildOcspRequest(certificate: pkijs.Certificate, issuer: pkijs.Certificate, hashAlgorithm: CertIdHash): Promise<OcspRequestBytes> {
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(certificate, { hashAlgorithm, issuerCertificate: issuer });
  const nonce = new Uint8Array(randomBytes(16));
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({ extnID: OID_OCSP_NONCE, extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(false) }),
  ];
  return { der: new Uint8Array(request.toSchema(true).toBER(false)), nonce };
}

function extendedKeyUsages(certificate: pkijs.Certificate): string[] {
  const extension = certificate.extensions?.find((item) => item.extnID === OID_EXTENDED_KEY_USAGE);
  if (!extension) return [];
  try {
    return pkijs.ExtKeyUsage.fromBER(extension.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>).keyPurposes;
  } catch {
    return [];
  }
}

function isNamedBy(responderId: unknown, certificate: pkijs.Certificate): boolean {
  if (responderId instanceof pkijs.RelativeDistinguishedNames) return responderId.isEqual(certificate.subject);
  // byKey: SHA-1 of the subjectPublicKey BIT STRING's value (RFC 6960 §4.2.1).
  if (responderId instanceof asn1js.OctetString) {
    const keyHash = createHash('sha1').update(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    return keyHash.equals(Buffer.from(responderId.valueBlock.valueHexView));
  }
  return false;
}


/**
 * Who may answer for the issuer's certificates (RFC 6960 §4.2.2.2): the issuer
 * itself, or a certificate it issued for exactly this (id-kp-OCSPSigning),
 * valid now. Anyone else's signature, however valid, proves nothing.
 */
async function authorizedResponder(basic: pkijs.BasicOCSPResponse, issuer: pkijs.Certificate, now: Date): Promise<pkijs.Certificate | string> {
  const responderId = basic.tbsResponseData.responderID;
  if (isNamedBy(responderId, issuer)) return issuer;
  const named = (basic.certs ?? []).filter((certificate) => isNamedBy(responderId, certificate));
  if (named.length === 0) return 'it is signed by a responder that is not the issuing authority and sent no certificate';
  for (const candidate of named) {
    if (!(await issuedBy(candidate, issuer))) continue;
    if (!extendedKeyUsages(candidate).includes(OID_OCSP_SIGNING)) {
      return `it is signed by ${displayName(candidate)}, which the issuing authority did not authorize to answer OCSP requests (no id-kp-OCSPSigning)`;
    }
    if (validityAt(candidate, now) !== 'valid') return `the responder certificate ${displayName(candidate)} is not valid now`;
    return candidate;
  }
  return `it is signed by ${named.map(displayName).join(', ')}, which was not issued by the signer's issuing authority`;
}

function revokedInfo(certStatus: asn1js.Constructed): { revokedAt: Date; reason?: string } {
  const [time, reasonTag] = certStatus.valueBlock.value as [asn1js.GeneralizedTime, asn1js.Constructed | undefined];
  const code = (reasonTag?.valueBlock.value[0] as asn1js.Enumerated | undefined)?.valueBlock.valueDec;
  return { revokedAt: time.toDate(), reason: code === undefined ? undefined : (CRL_REASONS[code] ?? `reason ${code}`) };
}

function nonceOf(basic: pkijs.BasicOCSPResponse): Uint8Array | null {
  const extension = basic.tbsResponseData.responseExtensions?.find((item) => item.extnID === OID_OCSP_NONCE);
  if (!extension) return null;
  const inner = extension.extnValue.valueBlock.valueHexView;
  // The value is an OCTET STRING; some responders put the raw bytes without wrapping them.
  const parsed = asn1js.fromBER(inner);
  return parsed.offset === inner.byteLength && parsed.result instanceof asn1js.OctetString ? parsed.result.valueBlock.valueHexView : inner;
}

async function singleResponseFor(basic: pkijs.BasicOCSPResponse, certificate: pkijs.Certificate, issuer: pkijs.Certificate): Promise<pkijs.SingleResponse | null> {
  for (const single of basic.tbsResponseData.responses) {
    const digest = DIGEST_BY_OID[single.certID.hashAlgorithm.algorithmId];
    const hashAlgorithm = digest && (digest.replace('sha', 'SHA-') as CertIdHash); // WebCrypto's spelling
    if (!hashAlgorithm) continue;
    const ours = await pkijs.CertID.create(certificate, { hashAlgorithm, issuerCertificate: issuer });
    if (ours.isEqual(single.certID)) return single;
  }
  return null;
}

function freshnessProblem(single: pkijs.SingleResponse, now: Date): string | null {
  if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return `the answer is dated in the future (${single.thisUpdate.toISOString()})`;
  if (single.nextUpdate) {
    if (single.nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS) return `the answer is out of date (its next update was due ${single.nextUpdate.toISOString()})`;
  } else if (single.thisUpdate.getTime() < now.getTime() - MAX_AGE_WITHOUT_NEXT_UPDATE_MS) {
    return `the answer is stale (produced ${single.thisUpdate.toISOString()}, with no next update)`;
  }
  return null;
}

export interface JudgeOptions {
  /** The nonce that went out with the request; an answer echoing another one is a replay. */
  nonce?: Uint8Array;
  now?: Date;
}

/** thisUpdate of the first single response in a DER OCSPResponse, or null when it cannot be read. */
export function ocspThisUpdate(bytes: Uint8Array): Date | null {
  try {
    const response = pkijs.OCSPResponse.fromBER(bytes as Uint8Array<ArrayBuffer>);
    if (response.responseBytes?.responseType !== OID_OCSP_BASIC) return null;
    const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
    return basic.tbsResponseData.responses[0]?.thisUpdate ?? null;
  } catch {
    return null;
  }
}

/** Reads and judges one DER OCSPResponse about `certificate`, issued by `issuer`. */
export async function judgeOcspResponse(bytes: Uint8Array, certificate: pkijs.Certificate, issuer: pkijs.Certificate, options: JudgeOptions = {}): Promise<OcspCheck> {
  const now = options.now ?? new Date();
  const rejected = (why: string): OcspCheck => ({ status: 'rejected', detail: `its answer was not accepted: ${why}` });
  let basic: pkijs.BasicOCSPResponse;
  try {
    const response = pkijs.OCSPResponse.fromBER(bytes as Uint8Array<ArrayBuffer>);
    const status = response.responseStatus.valueBlock.valueDec;
    if (status !== 0) {
      const refusal = RESPONSE_STATUS_WORDS[status] ?? `status ${status}`;
      return { status: 'unreachable', refusal, detail: `it refused to answer (${refusal})` };
    }
    if (response.responseBytes?.responseType !== OID_OCSP_BASIC) return rejected('it is not a basic OCSP response');
    basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
  } catch {
    return rejected('it is not an OCSP response');
  }

  const responder = await authorizedResponder(basic, issuer, now);
  if (typeof responder === 'string') return rejected(responder);
  let signatureHolds = false;
  try {
    signatureHolds = await pkijs.getEngine().crypto!.verifyWithPublicKey(
      basic.tbsResponseData.tbsView as Uint8Array<ArrayBuffer>, basic.signature, responder.subjectPublicKeyInfo, basic.signatureAlgorithm,
    );
  } catch {
    signatureHolds = false;
  }
  if (!signatureHolds) return rejected(`its signature does not verify with the certificate of ${displayName(responder)} (forged or damaged)`);

  const echoed = nonceOf(basic);
  if (echoed && options.nonce && !Buffer.from(echoed).equals(Buffer.from(options.nonce))) return rejected('it answers another request (the nonce differs): a replayed answer');
  const single = await singleResponseFor(basic, certificate, issuer);
  if (!single) return rejected('it is about another certificate');
  const stale = freshnessProblem(single, now);
  if (stale) return rejected(stale);

  const by = responder === issuer ? 'signed by the issuing authority' : `signed by the delegated responder ${displayName(responder)}`;
  const thisUpdate = single.thisUpdate;
  const tag = (single.certStatus as asn1js.BaseBlock).idBlock.tagNumber;
  if (tag === 0) return { status: 'good', thisUpdate, detail: `answer of ${thisUpdate.toISOString()}, ${by}` };
  if (tag === 1) {
    const { revokedAt, reason } = revokedInfo(single.certStatus as asn1js.Constructed);
    return { status: 'revoked', revokedAt, reason, thisUpdate, detail: `answer of ${thisUpdate.toISOString()}, ${by}${reason ? `, reason ${reason}` : ''}` };
  }
  return { status: 'unknown', thisUpdate, detail: `it does not know this certificate (status unknown, ${by})` };
}

export interface AskOptions {
  url: string;
  /** Overrides the limits' timeout. */
  timeoutMs?: number;
  /** Limits of the fetch (outbound.ts); absent: the defaults, which ask no private or loopback address. */
  outbound?: OutboundLimits;
  /**
   * CertID hashes to try in order. SHA-1 is what most responders index (and
   * `openssl ocsp` sends); SHA-256 is tried when the first one is not known.
   */
  hashAlgorithms?: CertIdHash[];
  now?: Date;
}

async function post(url: string, body: Uint8Array, limits: OutboundLimits): Promise<Uint8Array | string> {
  try {
    const headers = { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' };
    return (await fetchOutbound(url, { method: 'POST', headers, body }, limits)).bytes;
  } catch (error) {
    return error instanceof OutboundRefused ? error.message : 'it could not be reached or gave no usable answer';
  }
}

/** Asks one responder about the certificate; never throws, the answer says what happened. */
export async function askOcspResponder(certificate: pkijs.Certificate, issuer: pkijs.Certificate, options: AskOptions): Promise<OcspCheck> {
  let last: OcspCheck = { status: 'unreachable', detail: 'it was not asked' };
  for (const hashAlgorithm of options.hashAlgorithms ?? ['SHA-1', 'SHA-256']) {
    const request = await buildOcspRequest(certificate, issuer, hashAlgorithm);
    const limits = { ...(options.outbound ?? DEFAULT_OUTBOUND_LIMITS), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
    const answer = await post(options.url, request.der, limits);
    if (typeof answer === 'string') return { status: 'unreachable', detail: answer };
    // A responder's bytes are untrusted input: a structure pkijs trips over is a refusal, not a crash of the report.
    last = await judgeOcspResponse(answer, certificate, issuer, { nonce: request.nonce, now: options.now }).catch(
      (error: unknown): OcspCheck => ({ status: 'rejected', detail: `its answer could not be read (${error instanceof Error ? error.message : String(error)})` }),
    );
    // Only "I do not know that CertID" is worth asking again with another hash.
    const notKnown = last.status === 'unknown' || last.refusal === 'malformedRequest';
    if (last.status === 'good' || last.status === 'revoked') last = { ...last, response: answer };
    if (!notKnown) return last;
  }
  return last;
}
