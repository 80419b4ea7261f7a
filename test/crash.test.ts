import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectObjectStore, createDb, type Db, type ObjectStore } from '@sohoa/shared';
import { freePort, startEmbeddedStack, type EmbeddedStack } from '@sohoa/embedded';
import { createCertificateAuthority } from '../services/signer/src/certificate-issuer.ts';
import { startTestTsa, type TestTsa } from '@sohoa/signer/testing';
import { readCredentials } from '../src/bootstrap.ts';
import { startS3Proxy, type S3Proxy } from './helpers/s3-proxy.ts';
import { repoRoot, uploadBatch, waitFor, waitForBatch } from './helpers/stack.ts';

/**
 * The worker process is killed (SIGKILL) three times while one batch goes through — in the middle of OCR, of
 * signing and of archiving — and started again each time: the batch must finish with every page archived once,
 * one record row and one stored object per document. PostgreSQL and S3 live in this test process, so only sohoa
 * dies. To catch signing and archiving in the act, the test TSA answers late and a proxy in front of S3 holds
 * back the answer to the record's write (the object is stored, the writer does not know yet).
 */
describe('a worker crash', () => {
  let stack: EmbeddedStack;
  let dataDir: string;
  let db: Db;
  let store: ObjectStore;
  let tsa: TestTsa;
  let s3: S3Proxy;
  let child: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let url: string;
  let token: string;
  let batchId: string;

  const startSohoa = async () => {
    const proc = spawn('node', [path.join(repoRoot, 'bin', 'sohoa.js'), 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    await waitFor('sohoa to start', async () => output.includes('sohoa is running') || (proc.exitCode !== null && Promise.reject(new Error(output))), 90_000);
    return proc;
  };
  const killSohoa = async () => {
    if (child!.exitCode === null && child!.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child!.kill('SIGKILL');
      await exited;
    }
  };
  /** The document of the job of that name now running, if one is. */
  const activeJob = async (name: string) => {
    const { rows } = await db.query(`SELECT data FROM pgboss.job WHERE name = $1 AND state = 'active' LIMIT 1`, [name]);
    return rows[0]?.data as Record<string, string> | undefined;
  };

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-crash-'));
    await fs.chmod(dataDir, 0o711); // the postgres user walks through it to its cluster
    stack = await startEmbeddedStack(path.join(dataDir, 'services'));
    s3 = await startS3Proxy(stack.s3.endpoint);
    const day = 24 * 60 * 60 * 1000;
    tsa = await startTestTsa(path.join(dataDir, 'tsa'), createCertificateAuthority({
      subject: { commonName: 'sohoa crash test TSA root', country: 'VN' }, notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + day),
    }));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      DATA_DIR: path.join(dataDir, 'sohoa'),
      DATABASE_URL: stack.databaseUrl,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: stack.s3.accessKey,
      S3_SECRET_KEY: stack.s3.secretKey,
      TSA_URL: tsa.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      OCR_WORKERS: '1',
      JOB_TIMEOUT_SECONDS: '10', // a job held by a dead worker comes back after this
      QUEUE_MAINTENANCE_SECONDS: '2',
      LOG_LEVEL: 'warn',
    };
    db = createDb(stack.databaseUrl, 2);
    store = await connectObjectStore({ ...stack.s3, bucket: 'sohoa', region: 'us-east-1' });

    child = await startSohoa();
    token = (await readCredentials(path.join(env.DATA_DIR!, 'credentials.json')))!.token;
    const scans = path.join(repoRoot, 'samples', 'scans');
    const upload = await uploadBatch(url, token, { unit: '000.00.00.H00', procedure: 'KS' }, [
      { name: 'dossier-ks.tif', bytes: await fs.readFile(path.join(scans, 'dossier-ks.tif')) },
      { name: 'ks-tokhai-p1.png', bytes: await fs.readFile(path.join(scans, 'ks-tokhai-p1.png')) },
    ]);
    expect(upload.status).toBe(202);
    batchId = upload.body.id;
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await db?.end();
    await s3?.stop();
    await tsa?.stop();
    await stack?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('during OCR: the page being recognized is not lost', async () => {
    // Kill while a page is being recognized and others still wait: at once, in the poll that saw its job active and
    // its page not yet done (a small page on a fast machine is recognized in well under a second).
    const interruptedPage = await waitFor('an OCR job to be running on a page not yet done', async () => {
      const pageId = (await activeJob('ocr.page'))?.pageId;
      if (!pageId) return null;
      const { rows } = await db.query(`SELECT status FROM pages WHERE id = $1`, [pageId]);
      if (rows[0]?.status !== 'pending') return null;
      child!.kill('SIGKILL');
      return pageId;
    });
    await killSohoa();
    const { rows: before } = await db.query(`SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending FROM pages`);
    expect(before[0].pending).toBeGreaterThan(0);
    const { rows: cut } = await db.query(`SELECT status FROM pages WHERE id = $1`, [interruptedPage]);
    expect(cut[0].status).toBe('pending'); // its OCR really was cut off
    tsa.delayAnswers(5_000); // the first signature will wait on the TSA long enough to be caught
    child = await startSohoa();
  });

  it('during signing: the document waiting on the TSA is not lost', async () => {
    const interrupted = await waitFor('a signing job waiting on the TSA', async () => {
      if (tsa.received() === tsa.answered()) return null;
      return (await activeJob('document.sign'))?.documentId;
    }, 240_000);
    await killSohoa();
    const { rows: cut } = await db.query(`SELECT status, signed_key FROM documents WHERE id = $1`, [interrupted]);
    expect(cut[0]).toEqual({ status: 'built', signed_key: null }); // its signing really was cut off
    tsa.delayAnswers(0);
    s3.holdWrites(/^\/sohoa\/records\//); // the first record written will not hear that it was stored
    child = await startSohoa();
  });

  it('during archiving: a record stored but not yet recorded is not stored twice', async () => {
    const interrupted = await waitFor('an archiving job to have stored its object', async () => {
      if (!s3.held().length) return null;
      return (await activeJob('record.archive'))?.documentId;
    }, 120_000);
    const heldWrite = s3.held()[0]!;
    await killSohoa();
    const { rows: doc } = await db.query(`SELECT d.status, (SELECT count(*)::int FROM records r WHERE r.document_id = d.id) AS records, d.record_id FROM documents d WHERE d.id = $1`, [interrupted]);
    expect(doc[0]).toMatchObject({ status: 'signed', records: 0 }); // its archiving really was cut off…
    expect(heldWrite).toMatch(new RegExp(`${doc[0].record_id}\\.pdf$`));
    expect((await store.list('records/')).some((key) => key.endsWith(`${doc[0].record_id}.pdf`))).toBe(true); // …after its object was stored
    s3.holdWrites(null);
    child = await startSohoa();
  });

  it('loses no page and archives each document once: one record row, one stored object', async () => {
    const batch = await waitForBatch(url, token, batchId, 300_000);
    expect(batch.status).toBe('done');
    expect(batch.records).toHaveLength(3); // the declaration and the birth certificate of the TIFF, and the PNG's declaration

    const { rows: pages } = await db.query(`SELECT id, status FROM pages`);
    expect(pages).toHaveLength(4);
    expect(pages.every((p) => p.status === 'done')).toBe(true);
    const { rows: docs } = await db.query(`SELECT id, status, page_ids FROM documents`);
    expect(docs).toHaveLength(3);
    expect(docs.every((d) => d.status === 'archived')).toBe(true);
    const archivedPageIds = docs.flatMap((d) => d.page_ids as string[]);
    expect(new Set(archivedPageIds).size).toBe(archivedPageIds.length); // no page in two documents
    const { rows: records } = await db.query(`SELECT document_id, object_key FROM records`);
    expect(records).toHaveLength(3);
    expect(new Set(records.map((r) => r.document_id))).toEqual(new Set(docs.map((d) => d.id))); // one row per document
    expect((await store.list('records/')).sort()).toEqual(records.map((r) => r.object_key).sort()); // no stray second copy
  });
});
