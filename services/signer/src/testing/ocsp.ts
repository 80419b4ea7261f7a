/**
 * Test fixture: a real OCSP responder — `openssl ocsp` serving an OpenSSL CA
 * index file — and the ports a test needs around it (one nobody listens on,
 * one that accepts and never answers). Not part of the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { IssuedCertificate } from '../certificate-issuer.ts';
import { certificateFromPem, distinguishedName } from '../certificate.ts';

export interface OcspIndexEntry {
  certificatePem: string;
  /** Listed as revoked from this time on; valid when absent. */
  revokedAt?: Date;
  /** A CRL reason name, e.g. keyCompromise. */
  reason?: string;
}

export interface TestOcspResponder {
  url: string;
  /** What openssl printed so far (stdout and stderr). */
  output(): string;
  /** How many requests openssl says it received. */
  requests(): number;
  stop(): Promise<void>;
}

/** YYMMDDHHMMSSZ, the UTCTime form the index uses. */
function indexTime(time: Date): string {
  return time.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

/** One line of an OpenSSL CA index: status, expiry, revocation[,reason], serial (hex as BN_bn2hex writes it), file, subject. */
export function ocspIndexLine(entry: OcspIndexEntry): string {
  const certificate = certificateFromPem(entry.certificatePem);
  const serial = Buffer.from(certificate.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase().replace(/^(00)+(?=..)/, '');
  const revocation = entry.revokedAt ? `${indexTime(entry.revokedAt)}${entry.reason ? `,${entry.reason}` : ''}` : '';
  const subject = `/${distinguishedName(certificate.subject).replace(/, /g, '/')}`;
  return [entry.revokedAt ? 'R' : 'V', indexTime(certificate.notAfter.value), revocation, serial, 'unknown', subject].join('\t');
}

/** A port free right now (openssl ocsp takes a port number and cannot report the one it got). */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ResponderOptions {
  /** The CA the index belongs to (-CA). */
  authority: IssuedCertificate;
  /** Who signs the answers (-rsigner/-rkey): the CA itself, a delegated responder, or an impostor. */
  signer: IssuedCertificate;
  entries: OcspIndexEntry[];
  /** Sets nextUpdate this many minutes after thisUpdate; openssl leaves it out otherwise. */
  nextUpdateMinutes?: number;
  /** A port chosen before (e.g. already named in certificates); a free one otherwise. */
  port?: number;
  /** Name the signer by its key hash (responderID byKey, -resp_key_id) instead of its name. */
  identifyByKey?: boolean;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `openssl ocsp` as a server; it answers one request at a time, and must be stopped. */
export async function startOcspResponder(dir: string, options: ResponderOptions): Promise<TestOcspResponder> {
  await mkdir(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  await writeFile(file('index.txt'), `${options.entries.map(ocspIndexLine).join('\n')}\n`);
  await writeFile(file('ca.pem'), options.authority.certificatePem);
  await writeFile(file('responder.pem'), options.signer.certificatePem);
  await writeFile(file('responder-key.pem'), options.signer.privateKeyPem, { mode: 0o600 });

  const port = options.port ?? (await freePort());
  const args = ['ocsp', '-index', file('index.txt'), '-port', String(port), '-rsigner', file('responder.pem'), '-rkey', file('responder-key.pem'), '-CA', file('ca.pem')];
  if (options.nextUpdateMinutes !== undefined) args.push('-nmin', String(options.nextUpdateMinutes));
  if (options.identifyByKey) args.push('-resp_key_id');
  const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));

  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`openssl ocsp did not start: ${printed}`)), 10_000);
    const ready = () => {
      if (!/waiting for OCSP client connections/.test(printed)) return;
      clearTimeout(deadline);
      resolve();
    };
    child.stdout!.on('data', ready);
    child.stderr!.on('data', ready);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`openssl ocsp exited (${code}): ${printed}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}/`,
    output: () => printed,
    requests: () => printed.match(/Received request/g)?.length ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** An HTTP server that takes requests and never answers: a hung responder. */
export async function startSilentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
