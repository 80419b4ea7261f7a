import { createServer, request as forward, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy on loopback in front of the embedded S3 endpoint. It can hold back the answers to
 * chosen writes: the object is stored upstream, but the writer does not hear so until released, which keeps a
 * job in the window between "object stored" and "record committed" for as long as a test needs.
 * Signature V4 signs the Host header, which is forwarded unchanged, so S3 checks exactly what the client signed.
 */
export interface S3Proxy {
  endpoint: string;
  /** Holds the answers to PUTs whose path matches (null: holds nothing, and releases what it held). */
  holdWrites(path: RegExp | null): void;
  /** Paths of the writes stored upstream whose answers are being held. */
  held(): string[];
  /** Every request seen (method, path with query, headers; the body of answered ones), oldest first. */
  requests: SeenRequest[];
  stop(): Promise<void>;
}

export interface SeenRequest { method: string; url: string; headers: IncomingHttpHeaders; body?: string }

export interface S3ProxyOptions {
  /**
   * Answers a request here instead of forwarding it (what the endpoint behind does not implement, e.g. Object
   * Lock calls s3rver would mistake for an object upload): return null to forward.
   */
  answer?: (request: SeenRequest) => { status: number; headers?: Record<string, string>; body?: string } | null;
  /** Whether to answer; the body is read only for requests this picks. */
  answers?: (method: string, url: string) => boolean;
  /** Adds an x-amz-version-id to every object PUT answered upstream, as a versioned (locked) bucket would. */
  versionIds?: boolean;
}

interface HeldAnswer { path: string; release(): void }

export async function startS3Proxy(upstream: string, options: S3ProxyOptions = {}): Promise<S3Proxy> {
  const target = new URL(upstream);
  let holding: RegExp | null = null;
  let held: HeldAnswer[] = [];
  const requests: SeenRequest[] = [];
  let versions = 0;

  const server: Server = createServer((incoming, outgoing) => {
    const url = incoming.url ?? '/';
    const seen: SeenRequest = { method: incoming.method ?? 'GET', url, headers: incoming.headers };
    requests.push(seen);
    if (options.answer && options.answers?.(seen.method, url)) {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        seen.body = Buffer.concat(chunks).toString('utf8');
        const reply = options.answer!(seen);
        if (reply) return void outgoing.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
        outgoing.writeHead(501).end('not answered');
      });
      return;
    }
    const hold = incoming.method === 'PUT' && holding !== null && holding.test(decodeURIComponent(url.split('?')[0]!));
    const upstreamRequest = forward(
      { hostname: target.hostname, port: target.port, method: incoming.method, path: url, headers: incoming.headers as IncomingHttpHeaders },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const send = () => {
            if (outgoing.destroyed) return; // the writer died meanwhile
            const headers = { ...answer.headers };
            const objectPut = incoming.method === 'PUT' && !url.includes('?') && url.split('/').length > 2;
            if (options.versionIds && objectPut && answer.statusCode === 200) headers['x-amz-version-id'] = `v-${++versions}`;
            outgoing.writeHead(answer.statusCode ?? 502, headers).end(Buffer.concat(chunks));
          };
          if (!hold || outgoing.destroyed) return send();
          const entry: HeldAnswer = { path: url, release: send };
          held.push(entry);
          outgoing.on('close', () => (held = held.filter((h) => h !== entry)));
        });
      },
    );
    upstreamRequest.on('error', (error) => {
      if (!outgoing.headersSent && !outgoing.destroyed) outgoing.writeHead(502).end(String(error));
    });
    incoming.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    holdWrites(path) {
      holding = path;
      if (path) return;
      const released = held;
      held = [];
      for (const entry of released) entry.release();
    },
    held: () => held.map((h) => h.path),
    requests,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
