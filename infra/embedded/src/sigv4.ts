import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * AWS Signature Version 4 checked on the server side, for S3 (paths are encoded once, not twice): the
 * Authorization header form and the presigned query form. No I/O: the gate in front of the embedded S3
 * endpoint calls it for every request, the spec feeds it requests signed by a real S3 client.
 */

export interface S3Credentials {
  accessKey: string;
  secretKey: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query exactly as they arrived (`req.url`). */
  url: string;
  headers: IncomingHttpHeaders;
}

export type SignatureVerdict = { ok: true } | { ok: false; code: S3AuthErrorCode; message: string };

export type S3AuthErrorCode = 'AccessDenied' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch' | 'RequestTimeTooSkewed' | 'AuthorizationHeaderMalformed';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000; // what S3 allows for the Authorization header form
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

interface Claim {
  accessKey: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  presigned: boolean;
  expiresSeconds?: number;
}

export function verifySignature(request: SignedRequest, credentials: S3Credentials, now: Date = new Date()): SignatureVerdict {
  const [rawPath, rawQuery = ''] = splitOnce(request.url, '?');
  const query = new URLSearchParams(rawQuery);
  const claim = readClaim(request.headers, query);
  if ('code' in claim) return { ok: false, ...claim };

  if (claim.accessKey !== credentials.accessKey) return deny('InvalidAccessKeyId', 'The access key is not known to this endpoint');
  if (claim.service !== 's3' || claim.terminator !== 'aws4_request' || claim.scopeDate !== claim.amzDate.slice(0, 8)) {
    return deny('AuthorizationHeaderMalformed', 'The credential scope does not match the request date or service');
  }
  const signedAt = parseAmzDate(claim.amzDate);
  if (signedAt === null) return deny('AccessDenied', 'X-Amz-Date is not in the form yyyyMMddTHHmmssZ');
  const skew = now.getTime() - signedAt;
  if (claim.presigned) {
    if (skew > claim.expiresSeconds! * 1000) return deny('AccessDenied', 'Request has expired');
    if (-skew > MAX_CLOCK_SKEW_MS) return deny('RequestTimeTooSkewed', 'The request is dated in the future');
  } else if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    return deny('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large');
  }
  if (!claim.signedHeaders.includes('host')) return deny('AccessDenied', 'The Host header must be signed');
  // An unsigned x-amz-* header (metadata, copy source, ...) could be added to a captured request: S3 refuses it.
  const unsigned = Object.keys(request.headers).find((h) => h.startsWith('x-amz-') && !claim.signedHeaders.includes(h));
  if (unsigned) return deny('AccessDenied', `The header ${unsigned} must be signed`);

  let canonicalRequest: string;
  try {
    canonicalRequest = [
      request.method.toUpperCase(),
      canonicalPath(rawPath),
      canonicalQuery(query, claim.presigned),
      ...claim.signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}`),
      '',
      claim.signedHeaders.join(';'),
      payloadHash(request.headers, claim.presigned),
    ].join('\n');
  } catch {
    return deny('AccessDenied', 'The request path is not valid percent-encoding');
  }
  const scope = `${claim.scopeDate}/${claim.region}/${claim.service}/${claim.terminator}`;
  const stringToSign = [ALGORITHM, claim.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = [claim.scopeDate, claim.region, claim.service, claim.terminator].reduce<Buffer | string>(
    (k, part) => hmac(k, part),
    `AWS4${credentials.secretKey}`,
  );
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const given = Buffer.from(claim.signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return deny('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  }
  return { ok: true };
}

/** The signer's claims, from the Authorization header or from a presigned URL's query; never both. */
function readClaim(headers: IncomingHttpHeaders, query: URLSearchParams): Claim | { code: S3AuthErrorCode; message: string } {
  const authorization = headers.authorization;
  const presigned = query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature');
  if (authorization && presigned) return { code: 'AccessDenied', message: 'Only one authentication mechanism is allowed' };
  if (!authorization && !presigned) return { code: 'AccessDenied', message: 'Anonymous requests are not allowed: sign with AWS Signature Version 4' };

  if (authorization) {
    const match = /^AWS4-HMAC-SHA256\s+(.*)$/.exec(authorization);
    if (!match) return { code: 'AccessDenied', message: 'Only AWS Signature Version 4 (AWS4-HMAC-SHA256) is accepted' };
    const fields = new Map(match[1]!.split(',').map((f) => splitOnce(f.trim(), '=')));
    const credential = fields.get('Credential');
    const signedHeaders = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    const amzDate = firstValue(headers['x-amz-date']);
    if (!credential || !signedHeaders || !signature || !amzDate) {
      return { code: 'AuthorizationHeaderMalformed', message: 'Credential, SignedHeaders, Signature and X-Amz-Date are required' };
    }
    if (!headers['x-amz-content-sha256']) return { code: 'AccessDenied', message: 'The x-amz-content-sha256 header is required' };
    return { ...parseCredential(credential), amzDate, signedHeaders: signedHeaders.split(';'), signature, presigned: false };
  }

  const algorithm = query.get('X-Amz-Algorithm');
  const credential = query.get('X-Amz-Credential');
  const amzDate = query.get('X-Amz-Date');
  const expires = Number(query.get('X-Amz-Expires'));
  const signedHeaders = query.get('X-Amz-SignedHeaders');
  const signature = query.get('X-Amz-Signature');
  if (algorithm !== ALGORITHM || !credential || !amzDate || !signedHeaders || !signature) {
    return { code: 'AccessDenied', message: 'A presigned URL needs X-Amz-Algorithm=AWS4-HMAC-SHA256, Credential, Date, Expires, SignedHeaders and Signature' };
  }
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_SECONDS) {
    return { code: 'AccessDenied', message: 'X-Amz-Expires must be between 1 second and 7 days' };
  }
  return { ...parseCredential(credential), amzDate, signedHeaders: signedHeaders.split(';'), signature, presigned: true, expiresSeconds: expires };
}

function parseCredential(credential: string) {
  // The access key comes first; the four scope parts are the last four (an access key holds no '/').
  const parts = credential.split('/');
  const [scopeDate = '', region = '', service = '', terminator = ''] = parts.slice(-4);
  return { accessKey: parts.slice(0, -4).join('/'), scopeDate, region, service, terminator };
}

/** Each segment decoded, then encoded the S3 way (RFC 3986 unreserved characters kept), so any client's escaping agrees. */
function canonicalPath(rawPath: string): string {
  const path = rawPath || '/';
  return path
    .split('/')
    .map((segment) => encodeRfc3986(decodeURIComponent(segment)))
    .join('/');
}

function canonicalQuery(query: URLSearchParams, presigned: boolean): string {
  const pairs: [string, string][] = [];
  for (const [name, value] of query) {
    if (presigned && name === 'X-Amz-Signature') continue;
    pairs.push([encodeRfc3986(name), encodeRfc3986(value)]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function payloadHash(headers: IncomingHttpHeaders, presigned: boolean): string {
  const declared = firstValue(headers['x-amz-content-sha256']);
  return declared ?? (presigned ? 'UNSIGNED-PAYLOAD' : '');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function parseAmzDate(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function deny(code: S3AuthErrorCode, message: string): SignatureVerdict {
  return { ok: false, code, message };
}
