/**
 * The one way the signer reaches out to a URL it did not choose: OCSP responders and CRL distribution points named
 * in certificates (which anyone can put in a PDF), and the operator's OCSP_URL and TSA. Probing showed what an
 * unguarded fetch gives away: a certificate naming loopback ports made `GET /records/:id/verify` a port scanner with
 * per-port answers, and a 300 MB "CRL" held 2.3 GB. So every fetch here is http/https only, bounded in time, size
 * and redirects, refused for private and loopback addresses unless the operator allows them (checked on the address
 * actually connected to, after DNS, so a name that resolves inward is refused too), and fails in one neutral phrase.
 */
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import net from 'node:net';

export interface OutboundLimits {
  /** For the whole exchange: connection, redirects and the body. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Loopback, private, link-local and other non-public addresses may be asked (OUTBOUND_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

export const DEFAULT_OUTBOUND_LIMITS: OutboundLimits = { timeoutMs: 5000, maxBytes: 10 * 1024 * 1024, maxRedirects: 3, allowPrivate: false };

/**
 * Why nothing usable came back, in words that are the same whether nothing listened, a firewall dropped the
 * packets, the answer was too large or an error page: the report must not tell a prober what is behind an address.
 */
export const NO_USABLE_ANSWER = 'it could not be reached or gave no usable answer';

export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

const NON_PUBLIC = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) NON_PUBLIC.addSubnet(prefix, bits, 'ipv6');

/** Loopback, private, link-local, shared, documentation, multicast or reserved: not a public internet address. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NON_PUBLIC.check(mapped[1]!, 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** DNS, then the address check: what is refused is where the socket would go, not what the URL looks like. */
function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as dns.LookupAddress[];
      const allowed = allowPrivate ? list : list.filter((a) => !isNonPublicAddress(a.address));
      if (allowed.length === 0) return callback(Object.assign(new Error('non-public address'), { code: 'ENONPUBLIC' }), '');
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface OutboundAnswer { status: number; bytes: Uint8Array }

/** The URL, if it may be asked at all: http(s), and a literal address must be public unless allowed (a name is checked after DNS). */
function checkedUrl(url: string, limits: OutboundLimits): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundRefused('not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OutboundRefused('only http and https addresses are asked');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!limits.allowPrivate && net.isIP(host) && isNonPublicAddress(host)) {
    throw new OutboundRefused('a loopback or private address is not asked (OUTBOUND_ALLOW_PRIVATE is off)');
  }
  return parsed;
}

function once(url: URL, request: OutboundRequest, limits: OutboundLimits, signal: AbortSignal): Promise<{ status: number; location?: string; bytes: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const body = request.body ? Buffer.from(request.body) : undefined;
    const req = client.request(url, {
      method: request.method ?? 'GET',
      headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      lookup: guardedLookup(limits.allowPrivate) as unknown as net.LookupFunction,
      signal,
    }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        return resolve({ status, location: res.headers.location, bytes: new Uint8Array() });
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        res.destroy();
        return reject(new Error('too large'));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Counted as it arrives: a responder that lies about (or omits) its length is cut off at the cap.
        if (size > limits.maxBytes) return void res.destroy(new Error('too large'));
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, bytes: new Uint8Array(Buffer.concat(chunks)) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface OutboundResponse { status: number; bytes: Uint8Array }

/**
 * Asks `url` within the limits and returns whatever status came back (a redirect past the cap is returned as it is).
 * Throws OutboundRefused with the policy's reason when an address may not be asked at all; anything that went wrong
 * on the wire is thrown as it happened (with its `code`), for a caller whose reader may know why: the webhook
 * sender tells a subscriber about its own receiver. Certificates' URLs go through fetchOutbound instead.
 */
export async function requestOutbound(url: string, request: OutboundRequest, limits: OutboundLimits = DEFAULT_OUTBOUND_LIMITS): Promise<OutboundResponse> {
  let target = checkedUrl(url, limits);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  for (let hop = 0; ; hop++) {
    let answer;
    try {
      answer = await once(target, request, limits, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENONPUBLIC') {
        throw new OutboundRefused('a loopback or private address is not asked (OUTBOUND_ALLOW_PRIVATE is off)');
      }
      throw error;
    }
    if (answer.location !== undefined && hop < limits.maxRedirects) {
      target = checkedUrl(new URL(answer.location, target).href, limits);
      continue;
    }
    return { status: answer.status, bytes: answer.bytes };
  }
}

/**
 * Asks `url` within the limits; returns the answer of a 2xx status, or throws OutboundRefused: with the policy's
 * reason when the address may not be asked at all, else with NO_USABLE_ANSWER whatever happened on the wire.
 */
export async function fetchOutbound(url: string, request: OutboundRequest, limits: OutboundLimits = DEFAULT_OUTBOUND_LIMITS): Promise<OutboundAnswer> {
  let answer: OutboundResponse;
  try {
    answer = await requestOutbound(url, request, limits);
  } catch (error) {
    if (error instanceof OutboundRefused) throw error;
    throw new OutboundRefused(NO_USABLE_ANSWER);
  }
  if (answer.status < 200 || answer.status >= 300) throw new OutboundRefused(NO_USABLE_ANSWER); // a redirect past the cap too
  return answer;
}
