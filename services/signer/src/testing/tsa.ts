/**
 * Test fixture: a real RFC 3161 time-stamp authority — `openssl ts -reply`
 * behind a small HTTP handler — with a TSA certificate issued by the test CA,
 * and a CRL maker. Not part of the API.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createPrivateKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import * as pkijs from 'pkijs';
import { issueCertificate, type IssuedCertificate } from '../certificate-issuer.ts';
import { certificateFromPem } from '../certificate.ts';
import { subtle } from '../crypto-engine.ts';

const run = promisify(execFile);
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TestTsa {
  url: string;
  certificatePem: string;
  /** How many requests it answered. */
  answered(): number;
  /** How many requests reached it (answered, waiting or still being made). */
  received(): number;
  /** Answers only after this long, so a test can catch a signer waiting on it; 0 answers at once. */
  delayAnswers(ms: number): void;
  /** Stops listening: the URL refuses connections, as a TSA that is down. */
  stop(): Promise<void>;
  /** Listens again on the same port (same URL, same certificate) after stop(). */
  restart(): Promise<void>;
}

function opensslConfig(dir: string): string {
  return `[ tsa ]
default_tsa = sohoa_test_tsa
[ sohoa_test_tsa ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa-key.pem
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
other_policies = 1.3.6.1.4.1.99999.1.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;
}

export interface TestTsaOptions {
  /** How long from now the TSA's certificate lives (default 365 days): a short life makes a TSA near its expiry. */
  certificateDays?: number;
}

export async function startTestTsa(dir: string, authority: IssuedCertificate, options: TestTsaOptions = {}): Promise<TestTsa> {
  await mkdir(dir, { recursive: true });
  const now = Date.now();
  const tsa = issueCertificate(
    {
      subject: { commonName: 'sohoa test time-stamp authority', organization: 'sohoa tests', country: 'VN' },
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + (options.certificateDays ?? 365) * DAY_MS),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extendedKeyUsage: ['timeStamping'],
    },
    authority,
  );
  await writeFile(path.join(dir, 'tsa.pem'), tsa.certificatePem);
  await writeFile(path.join(dir, 'tsa-key.pem'), tsa.privateKeyPem, { mode: 0o600 });
  await writeFile(path.join(dir, 'serial'), '01\n');
  const configPath = path.join(dir, 'openssl-ts.cnf');
  await writeFile(configPath, opensslConfig(dir));

  let count = 0;
  let received = 0;
  let delayMs = 0;
  // openssl ts keeps a serial file: one reply at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((request, response) => {
    received += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      // Waits outside the queue, so a held request does not hold up the next one.
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      queue = queue.then(async () => {
        const id = `${process.pid}-${count}-${Date.now()}`;
        const query = path.join(dir, `${id}.tsq`);
        const reply = path.join(dir, `${id}.tsr`);
        try {
          await writeFile(query, Buffer.concat(chunks));
          await run('openssl', ['ts', '-reply', '-config', configPath, '-queryfile', query, '-out', reply]);
          count += 1;
          response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(await readFile(reply));
        } catch (error) {
          response.writeHead(500).end(String(error));
        }
      });
    });
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    certificatePem: tsa.certificatePem,
    answered: () => count,
    received: () => received,
    delayAnswers: (ms) => {
      delayMs = ms;
    },
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // a signer's kept-alive connection would otherwise still be answered
    }),
    restart: () => listen(port),
  };
}

/** A CRL signed by `authority` that lists the given certificates as revoked at `revokedAt`. */
export async function issueCrl(authority: IssuedCertificate, revokedPems: string[], revokedAt: Date): Promise<Uint8Array> {
  const issuer = certificateFromPem(authority.certificatePem);
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    issuer: issuer.subject,
    thisUpdate: new pkijs.Time({ type: 0, value: new Date(Date.now() - 60_000) }),
    nextUpdate: new pkijs.Time({ type: 0, value: new Date(Date.now() + 7 * DAY_MS) }),
    revokedCertificates: revokedPems.map(
      (pem) => new pkijs.RevokedCertificate({ userCertificate: certificateFromPem(pem).serialNumber, revocationDate: new pkijs.Time({ type: 0, value: revokedAt }) }),
    ),
  });
  const pkcs8 = createPrivateKey(authority.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const key = await subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  await crl.sign(key, 'SHA-256');
  return new Uint8Array(crl.toSchema(true).toBER(false));
}
