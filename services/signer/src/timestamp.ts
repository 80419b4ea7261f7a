/**
 * RFC 3161 time-stamp client for PAdES B-T: asks a time-stamp authority (TSA)
 * to sign the SHA-256 of a signature value and checks that what came back is
 * a granted token for exactly that value (and our nonce) before it goes into
 * the signature.
 *
 * A TSA that does not answer is an error a retry can fix ('timestamp-unavailable'):
 * signing must not quietly fall back to B-B when the unit asked for B-T.
 */
import * as asn1js from 'asn1js';
import { createHash, randomBytes } from 'node:crypto';
import * as pkijs from 'pkijs';
import './crypto-engine.ts';
import { OID } from './cms.ts';
import { SignerError } from './errors.ts';

export interface TimestampAuthority {
  url: string;
  /** Default 15 s: a TSA slower than that is treated as not answering. */
  timeoutMs?: number;
}

export interface TimestampRequest {
  der: Uint8Array<ArrayBuffer>;
  nonce: Uint8Array;
  digest: Uint8Array;
}

/** The DER TimeStampReq for a SHA-256 imprint of `data`, with a fresh nonce and the TSA's certificate asked for. */
export function timestampRequest(data: Uint8Array): TimestampRequest {
  const digest = createHash('sha256').update(data).digest();
  const nonce = randomBytes(8);
  nonce[0] = nonce[0]! & 0x7f; // a positive INTEGER
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  return { der: new Uint8Array(request.toSchema().toBER(false)), nonce, digest };
}

const STATUS_WORDS: Record<number, string> = { 2: 'rejection', 3: 'waiting', 4: 'revocationWarning', 5: 'revocationNotification' };

/** The TSTInfo inside a token, parsed. */
export function tstInfoOf(token: pkijs.ContentInfo | Uint8Array): pkijs.TSTInfo {
  const contentInfo = token instanceof pkijs.ContentInfo ? token : pkijs.ContentInfo.fromBER(token as Uint8Array<ArrayBuffer>);
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  if (signedData.encapContentInfo.eContentType !== OID.tstInfo || !signedData.encapContentInfo.eContent) {
    throw new Error('the token does not carry a TSTInfo');
  }
  return pkijs.TSTInfo.fromBER(signedData.encapContentInfo.eContent.getValue() as ArrayBuffer);
}

/** Checks a TimeStampResp against its request and returns the token (DER ContentInfo). */
export function tokenFromResponse(responseDer: Uint8Array, request: TimestampRequest): Uint8Array {
  let response: pkijs.TimeStampResp;
  try {
    response = pkijs.TimeStampResp.fromBER(responseDer as Uint8Array<ArrayBuffer>);
  } catch {
    throw new SignerError('timestamp-unavailable', 'The time-stamp authority answered with something that is not a time-stamp response.');
  }
  const status = response.status.status;
  if (status !== 0 && status !== 1) {
    const text = response.status.statusStrings?.map((item) => item.valueBlock.value).join('; ');
    throw new SignerError('timestamp-refused', `The time-stamp authority refused the request (${STATUS_WORDS[status] ?? status}${text ? `: ${text}` : ''}).`);
  }
  if (!response.timeStampToken) throw new SignerError('timestamp-refused', 'The time-stamp authority granted the request but sent no token.');
  const info = tstInfoOf(response.timeStampToken);
  const imprint = Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (info.messageImprint.hashAlgorithm.algorithmId !== OID.sha256 || !imprint.equals(Buffer.from(request.digest))) {
    throw new SignerError('timestamp-refused', 'The time-stamp token is for other data than the signature sent.');
  }
  if (!info.nonce || !Buffer.from(info.nonce.valueBlock.valueHexView).equals(Buffer.from(request.nonce))) {
    throw new SignerError('timestamp-refused', 'The time-stamp token does not carry the nonce sent (a replayed answer?).');
  }
  return new Uint8Array(response.timeStampToken.toSchema().toBER(false));
}

/** Asks the TSA over HTTP (RFC 3161 section 3.4) for a token over `data`. */
export async function requestTimestamp(authority: TimestampAuthority, data: Uint8Array): Promise<Uint8Array> {
  const request = timestampRequest(data);
  let response: Response;
  try {
    response = await fetch(authority.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: request.der,
      signal: AbortSignal.timeout(authority.timeoutMs ?? 15_000),
    });
  } catch (error) {
    const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new SignerError('timestamp-unavailable', `The time-stamp authority ${authority.url} did not answer (${why}).`);
  }
  if (!response.ok) {
    throw new SignerError('timestamp-unavailable', `The time-stamp authority ${authority.url} answered HTTP ${response.status}.`);
  }
  return tokenFromResponse(new Uint8Array(await response.arrayBuffer()), request);
}
