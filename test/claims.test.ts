import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, repoRoot, startTestStack, uploadBatch, waitForBatch, waitForSplit, type TestStack } from './helpers/stack.ts';

/**
 * README claims about the upload API and the OCR review flag, each held to a test on the embedded stack:
 * MAX_UPLOAD_BYTES, the `dossier` and `component` fields of POST /api/v1/batches, and lowConfidencePages at the
 * default OCR_REVIEW_CONFIDENCE.
 */
const scans = path.join(repoRoot, 'samples', 'scans');
const UNIT = '000.00.00.H00';
/** Above every sample scan (the largest is 0.53 MB), far below the 200 MiB default. */
const UPLOAD_LIMIT = 1_000_000;

describe('README claims: upload fields, upload limit, review flag', () => {
  let stack: TestStack;
  let cleanPage: Buffer;
  beforeAll(async () => {
    stack = await startTestStack({ MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT) }); // OCR_REVIEW_CONFIDENCE left at its default
    cleanPage = await fs.readFile(path.join(scans, 'ks-tokhai-p1.png'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const auth = () => ({ authorization: `Bearer ${stack.token}` });
  async function dossier(code: string) {
    return getJson(`${stack.url}/api/v1/dossiers/${code}`, stack.token);
  }
  /** What an upload could leave behind: batch rows, queued split jobs, originals in the object store, spool files. */
  async function traces() {
    const { rows: batches } = await stack.runtime.db.query<{ id: string }>('SELECT id FROM batches');
    const { rows: jobs } = await stack.runtime.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'ingest.file'`);
    const stored = new Set((await stack.runtime.store.list('work/batches/')).map((key) => key.split('/')[2]));
    const spooled = await fs.readdir(stack.runtime.config.spoolDir).catch(() => []);
    return { batches: batches.map((b) => b.id).sort(), splitJobs: jobs[0].n, storedBatches: [...stored].sort(), spooled };
  }

  it('refuses a file over MAX_UPLOAD_BYTES with 413 and a JSON error, and keeps nothing of the upload', async () => {
    expect(stack.runtime.config.limits.maxUploadBytes).toBe(UPLOAD_LIMIT); // the setting, read from the environment
    const before = await traces();
    const tooLarge = Buffer.alloc(UPLOAD_LIMIT + 1, 0xff);
    // A good file first: it must not be kept either when a later file of the same request is refused.
    const form = new FormData();
    form.set('unit', UNIT);
    form.set('procedure', 'KS');
    form.append('files[]', new Blob([new Uint8Array(cleanPage)]), 'good.png');
    form.append('files[]', new Blob([new Uint8Array(tooLarge)]), 'huge.tif');
    const r = await fetch(`${stack.url}/api/v1/batches`, { method: 'POST', body: form, headers: auth() });
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await r.json()).toEqual({ error: { code: 'limit-file-size', message: `a file is larger than the upload limit of ${UPLOAD_LIMIT} bytes (MAX_UPLOAD_BYTES)` } });
    expect(await traces()).toEqual(before);
    expect(before.storedBatches.every((id) => before.batches.includes(id))).toBe(true); // no original without its batch

    // The limit is inclusive: a file of exactly MAX_UPLOAD_BYTES is taken (and, not being an image, quarantined).
    const atLimit = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS' }, [{ name: 'at-limit.tif', bytes: Buffer.alloc(UPLOAD_LIMIT, 0xff) }]);
    expect(atLimit.status).toBe(202);
    const after = await traces();
    expect(after.batches).toEqual([...before.batches, atLimit.body.id].sort());
    expect(after.storedBatches).toContain(atLimit.body.id);
  });

  it('flags a blurred page as low-confidence at the default OCR_REVIEW_CONFIDENCE (80), and not a clean one', async () => {
    expect(stack.runtime.config.ocr.reviewConfidence).toBe(80);
    // The same declaration out of focus (Gaussian blur, sigma 5): tesseract still reads words, but unsure of them.
    const blurred = await sharp(cleanPage).blur(5).png().toBuffer();
    const good = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS' }, [{ name: 'clean.png', bytes: cleanPage }]);
    const bad = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS' }, [{ name: 'blurred.png', bytes: blurred }]);
    expect([good.status, bad.status]).toEqual([202, 202]);

    const pageOf = async (batchId: string) => {
      const { rows } = await stack.runtime.db.query('SELECT id, confidence, low_confidence, blank FROM pages WHERE batch_id = $1', [batchId]);
      expect(rows).toHaveLength(1);
      return rows[0];
    };

    const goodView = await waitForBatch(stack.url, stack.token, good.body.id);
    expect(goodView.status).toBe('done');
    const goodPage = await pageOf(good.body.id);
    expect(goodPage).toMatchObject({ blank: false, low_confidence: false });
    expect(goodPage.confidence).toBeGreaterThanOrEqual(80); // measured 95.5
    expect(goodView.documents.map((d: any) => d.lowConfidencePages)).toEqual([0]);
    expect((await dossier(good.body.dossier)).documents.map((d: any) => d.lowConfidencePages)).toEqual([[]]);

    // It may wait for the clerk (its title is hard to read): the flag is there either way.
    const badView = await waitForSplit(stack.url, stack.token, bad.body.id);
    const badPage = await pageOf(bad.body.id);
    expect(badPage).toMatchObject({ blank: false, low_confidence: true });
    expect(badPage.confidence).toBeGreaterThan(0); // words were read: it is the confidence that is low (measured 32.6)
    expect(badPage.confidence).toBeLessThan(80);
    expect(badView.documents.map((d: any) => d.lowConfidencePages)).toEqual([1]);
    expect((await dossier(bad.body.dossier)).documents.map((d: any) => d.lowConfidencePages)).toEqual([[badPage.id]]);
  });

  const givenCode = `${UNIT}-261120-0777`;

  it('gives the batch, the dossier and the records the dossier code sent with the upload', async () => {
    const upload = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS', dossier: givenCode }, [{ name: 'tokhai.png', bytes: cleanPage }]);
    expect(upload.status).toBe(202);
    expect(upload.body.dossier).toBe(givenCode);
    const batch = await waitForBatch(stack.url, stack.token, upload.body.id);
    expect(batch.status).toBe('done');
    expect(batch.dossier).toBe(givenCode); // no receipt in the scan: nothing overrides the given code
    expect(batch.records).toHaveLength(1);

    const record = await getJson(`${stack.url}/api/v1/records/${batch.records[0].id}`, stack.token);
    expect(record.metadata).toMatchObject({ dossierCode: givenCode, componentCode: 'KS-TK' });
    expect((await stack.runtime.store.stat(record.objectKey))?.metadata['dossier-code']).toBe(givenCode);
    const view = await dossier(givenCode);
    expect(view).toMatchObject({ code: givenCode, codeSource: 'given', procedure: 'KS', unit: UNIT });
    expect(view.documents.map((d: any) => d.recordId)).toEqual([record.id]);
  });

  it('gives every paper the component sent with the upload, without matching or review', async () => {
    // A certification request (no component of birth registration: alone it waits for review) and a birth
    // declaration (alone it is matched to KS-TK): with component KS-UQ both are KS-UQ, on the clerk's word.
    const request = await fs.readFile(path.join(scans, 'skewed-seal.jpg'));
    const unknown = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS', component: 'NO-SUCH' }, [{ name: 'a.jpg', bytes: request }]);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toEqual({ code: 'unknown-component', message: 'procedure "KS" has no component "NO-SUCH"' });

    const upload = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS', dossier: givenCode, component: 'KS-UQ' }, [
      { name: 'request.jpg', bytes: request },
      { name: 'tokhai.png', bytes: cleanPage },
    ]);
    expect(upload.status).toBe(202);
    const batch = await waitForBatch(stack.url, stack.token, upload.body.id);
    expect(batch.status).toBe('done'); // nothing waited for a clerk
    expect(batch.component).toBe('KS-UQ');
    expect(batch.documents).toHaveLength(2);
    for (const d of batch.documents) expect(d).toMatchObject({ component: 'KS-UQ', procedure: 'KS', confidence: 1, needsReview: false, status: 'archived' });
    for (const d of batch.documents) {
      const document = await getJson(`${stack.url}/api/v1/documents/${d.id}`, stack.token);
      expect(document.explanation).toEqual(['component given by the clerk with the batch']); // no matcher ran
      expect(document.confirmedBy).toMatch(/^token:/);
      const record = await getJson(`${stack.url}/api/v1/records/${d.recordId}`, stack.token);
      expect(record.metadata).toMatchObject({ componentCode: 'KS-UQ', dossierCode: givenCode });
    }

    // The given dossier code also joins a later batch to the dossier it names.
    const view = await dossier(givenCode);
    expect(view.documents.map((d: any) => d.component).sort()).toEqual(['KS-TK', 'KS-UQ', 'KS-UQ']);
    expect(view.completeness.find((c: any) => c.code === 'KS-UQ').state).toBe('present');
    const { rows: learned } = await stack.runtime.db.query('SELECT count(*)::int AS n FROM learned_phrases');
    expect(learned[0].n).toBe(0); // a component given for the whole batch teaches the matcher nothing
  });
});
