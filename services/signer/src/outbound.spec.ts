import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOUND_LIMITS, fetchOutbound, isNonPublicAddress, NO_USABLE_ANSWER, OutboundRefused, type OutboundLimits } from './outbound.ts';

/**
 * Each limit of the fetches a certificate can cause, against a listener on this machine: what answers, how much,
 * how slowly and where it redirects are the listener's choice, as they would be a hostile CA's.
 */
describe('fetchOutbound', () => {
  let server: http.Server;
  let base: string;
  let closedPort: number;
  const loopback: OutboundLimits = { ...DEFAULT_OUTBOUND_LIMITS, allowPrivate: true, timeoutMs: 1000, maxBytes: 64 * 1024, maxRedirects: 2 };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/crl') return void res.end(Buffer.alloc(1000, 1));
      if (url.pathname === '/huge') {
        // No length announced, and more than the cap: counted as it arrives.
        res.writeHead(200);
        const chunk = Buffer.alloc(16 * 1024, 2);
        let sent = 0;
        const pump = () => {
          while (sent < 2000 && res.write(chunk)) sent++;
          if (sent < 2000 && !res.destroyed) res.once('drain', pump);
          else res.end();
        };
        return void pump();
      }
      if (url.pathname === '/announced-huge') {
        res.writeHead(200, { 'content-length': String(300 * 1024 * 1024) });
        return void res.write('x');
      }
      if (url.pathname === '/slow') return; // never answers
      if (url.pathname === '/hop') {
        const left = Number(url.searchParams.get('n'));
        res.writeHead(302, { location: left > 0 ? `/hop?n=${left - 1}` : '/crl' });
        return void res.end();
      }
      if (url.pathname === '/to-loopback') {
        res.writeHead(302, { location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/crl` });
        return void res.end();
      }
      if (url.pathname === '/echo' && req.method === 'POST') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        return void req.on('end', () => res.end(Buffer.concat(chunks)));
      }
      res.writeHead(404).end('no such thing here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const refusal = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundRefused);
    return (error as Error).message;
  };

  it('reads an answer within the limits, GET and POST', async () => {
    expect((await fetchOutbound(`${base}/crl`, {}, loopback)).bytes).toHaveLength(1000);
    const echoed = await fetchOutbound(`${base}/echo`, { method: 'POST', body: new Uint8Array([1, 2, 3]) }, loopback);
    expect([...echoed.bytes]).toEqual([1, 2, 3]);
  });

  it('asks only http and https', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'ldap://ca.example/crl', 'gopher://127.0.0.1:25/']) {
      expect(await refusal(fetchOutbound(url, {}, loopback))).toBe('only http and https addresses are asked');
    }
  });

  it('asks no loopback or private address unless allowed, whether written as an address or a name', async () => {
    const strict = { ...loopback, allowPrivate: false };
    for (const url of [`${base}/crl`, 'http://[::1]:1/', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:127.0.0.1]:1/']) {
      expect(await refusal(fetchOutbound(url, {}, strict)), url).toMatch(/loopback or private address is not asked/);
    }
    // A name that resolves to loopback: refused on the address connected to, not on how the URL looks; and a redirect inward.
    expect(await refusal(fetchOutbound(`http://localhost:${new URL(base).port}/crl`, {}, strict))).toMatch(/loopback or private/);
    expect(isNonPublicAddress('8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('2606:4700::1111')).toBe(false);
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.5', '192.168.1.1', '100.64.0.1', '169.254.1.1', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '0.0.0.0']) {
      expect(isNonPublicAddress(address), address).toBe(true);
    }
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    expect(await refusal(fetchOutbound(`${base}/slow`, {}, { ...loopback, timeoutMs: 300 }))).toBe(NO_USABLE_ANSWER);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops reading at the size cap, announced or not, and keeps nothing', async () => {
    const before = process.memoryUsage().rss;
    expect(await refusal(fetchOutbound(`${base}/huge`, {}, loopback))).toBe(NO_USABLE_ANSWER);
    expect(await refusal(fetchOutbound(`${base}/announced-huge`, {}, loopback))).toBe(NO_USABLE_ANSWER);
    expect(process.memoryUsage().rss - before).toBeLessThan(30 * 1024 * 1024); // 32 MB were offered
  });

  it('follows redirects up to the cap, and no further', async () => {
    expect((await fetchOutbound(`${base}/hop?n=1`, {}, loopback)).bytes).toHaveLength(1000);
    expect(await refusal(fetchOutbound(`${base}/hop?n=2`, {}, loopback))).toBe(NO_USABLE_ANSWER);
  });

  it('says the same words whatever answered: closed port, silence, an error page, too large', async () => {
    const texts = new Set([
      await refusal(fetchOutbound(`http://127.0.0.1:${closedPort}/`, {}, loopback)),
      await refusal(fetchOutbound(`${base}/slow`, {}, { ...loopback, timeoutMs: 200 })),
      await refusal(fetchOutbound(`${base}/nothing`, {}, loopback)),
      await refusal(fetchOutbound(`${base}/huge`, {}, loopback)),
    ]);
    expect([...texts]).toEqual([NO_USABLE_ANSWER]);
  });
});
