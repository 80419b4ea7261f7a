import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, repoRoot, startTestStack, uploadBatch, waitForBatch, waitForSplit as waitForSplitOf, type TestStack } from './helpers/stack.ts';

const scans = path.join(repoRoot, 'samples', 'scans');

async function call(stack: TestStack, method: string, url: string, body?: unknown) {
  const r = await fetch(`${stack.url}/api/v1${url}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as any };
}

/** Waits until the batch has been cut into documents (it may then wait for the clerk). */
const waitForSplit = (stack: TestStack, batchId: string) => waitForSplitOf(stack.url, stack.token, batchId);

describe('dossiers: documents, review, clerk edits, learning', () => {
  let stack: TestStack;
  let request: Buffer;
  beforeAll(async () => {
    stack = await startTestStack({ OCR_REVIEW_CONFIDENCE: '99' }); // every real page falls below: each must be flagged
    request = await fs.readFile(path.join(scans, 'skewed-seal.jpg')); // a certification request: no component of birth registration
  });
  afterAll(async () => {
    await stack?.stop();
  });

  let dossierCode: string;
  let firstBatch: string;

  it('sends a paper that fits no component of the procedure to the review list, and says what is missing', async () => {
    const upload = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS' }, [
      { name: 'a.jpg', bytes: request },
      { name: 'b.jpg', bytes: request },
    ]);
    expect(upload.status).toBe(202);
    dossierCode = upload.body.dossier;
    firstBatch = upload.body.id;
    const view = await waitForSplit(stack, firstBatch);
    expect(view.status).toBe('processing');
    expect(view.waitingForReview).toBe(2);
    expect(view.documents.map((d: any) => d.status)).toEqual(['review', 'review']);

    for (const d of view.documents) expect(d.lowConfidencePages).toBe(d.pages);
    const review = await call(stack, 'GET', '/review?unit=000.00.00.H00');
    for (const d of review.body.documents) expect(d.lowConfidencePages).toEqual(d.pages); // the clerk sees which pages to check
    expect(review.body.documents.map((d: any) => d.id).sort()).toEqual(view.documents.map((d: any) => d.id).sort());
    expect(review.body.documents[0].explanation.length).toBeGreaterThan(0); // why the machine was unsure

    const dossier = await call(stack, 'GET', `/dossiers/${dossierCode}`);
    expect(dossier.status).toBe(200);
    // Nothing is present yet: a component only guessed by a document under review is uncertain, the rest missing.
    const guessed = new Set(view.documents.map((d: any) => d.component).filter(Boolean));
    for (const item of dossier.body.completeness) {
      expect(item.state).toBe(guessed.has(item.code) ? 'uncertain' : 'missing');
    }
    expect(dossier.body.missing).toEqual(['KS-TK', 'KS-GCS'].filter((c) => !guessed.has(c)));
    expect(dossier.body.uncertain.sort()).toEqual([...guessed].sort());
  });

  it('lets the clerk reorder, rotate, merge and split before confirming, and records every change', async () => {
    const view = await getJson(`${stack.url}/api/v1/batches/${firstBatch}`, stack.token);
    const [a, b] = view.documents.map((d: any) => d.id);
    const docA = (await call(stack, 'GET', `/documents/${a}`)).body;

    expect((await call(stack, 'PUT', `/documents/${a}/pages`, { pages: [] })).status).toBe(422);
    expect((await call(stack, 'PUT', `/documents/${a}/pages`, { pages: docA.pages })).status).toBe(200);

    const { rows: before } = await stack.runtime.db.query('SELECT width, height FROM pages WHERE id = $1', [docA.pages[0]]);
    expect((await call(stack, 'POST', `/pages/${docA.pages[0]}/rotate`, { degrees: 45 })).status).toBe(422);
    expect((await call(stack, 'POST', `/pages/${docA.pages[0]}/rotate`, { degrees: 90 })).status).toBe(200);
    const { rows: turned } = await stack.runtime.db.query('SELECT width, height, rotation FROM pages WHERE id = $1', [docA.pages[0]]);
    expect([turned[0].width, turned[0].height]).toEqual([before[0].height, before[0].width]);
    expect((await call(stack, 'POST', `/pages/${docA.pages[0]}/rotate`, { degrees: 270 })).status).toBe(200);

    const merged = await call(stack, 'POST', `/documents/${a}/merge`, { document: b });
    expect(merged.status).toBe(200);
    expect(merged.body.documents[0].pages).toHaveLength(2);
    expect((await call(stack, 'GET', `/documents/${b}`)).body.status).toBe('merged');

    const split = await call(stack, 'POST', `/documents/${a}/split`, { atPage: 2 });
    expect(split.status).toBe(200);
    expect(split.body.documents.map((d: any) => d.pages.length)).toEqual([1, 1]);

    const { rows: audit } = await stack.runtime.db.query(`SELECT action FROM audit_events WHERE actor LIKE 'token:%' AND subject_type IN ('document', 'page') ORDER BY id`);
    expect(audit.map((r) => r.action)).toEqual(['document.reordered', 'page.rotated', 'page.rotated', 'document.merged', 'document.split']);
  });

  it('takes the clerk correction in one action, archives the papers, and uses it for the next batch', async () => {
    const view = await getJson(`${stack.url}/api/v1/batches/${firstBatch}`, stack.token);
    const open = view.documents.filter((d: any) => d.status === 'review');
    expect(open).toHaveLength(2);
    for (const d of open) {
      const r = await call(stack, 'PUT', `/documents/${d.id}/component`, { component: 'KS-UQ' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ component: 'KS-UQ', confirmedBy: expect.stringContaining('token:') });
    }
    const done = await waitForBatch(stack.url, stack.token, firstBatch);
    expect(done.status).toBe('done');
    expect(done.records).toHaveLength(2);
    const dossier = await call(stack, 'GET', `/dossiers/${dossierCode}`);
    expect(dossier.body.completeness.find((c: any) => c.code === 'KS-UQ').state).toBe('present');

    const { rows: learned } = await stack.runtime.db.query(`SELECT component_code, weight FROM learned_phrases`);
    expect(learned.length).toBeGreaterThan(0);
    expect(learned.every((l) => l.component_code === 'KS-UQ')).toBe(true);

    // The same kind of paper again: the unit's correction now decides it, without review.
    const again = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS' }, [{ name: 'c.jpg', bytes: request }]);
    const second = await waitForBatch(stack.url, stack.token, again.body.id);
    expect(second.status).toBe('done');
    expect(second.documents[0]).toMatchObject({ component: 'KS-UQ', needsReview: false });
    const doc = (await call(stack, 'GET', `/documents/${second.documents[0].id}`)).body;
    expect(doc.explanation.join(' ')).toMatch(/learn/i);
  });

  it('refuses edits to a document that is already archived', async () => {
    const view = await getJson(`${stack.url}/api/v1/batches/${firstBatch}`, stack.token);
    const archived = view.documents.find((d: any) => d.status === 'archived');
    const r = await call(stack, 'POST', `/documents/${archived.id}/split`, { atPage: 2 });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain('already archived');
  });

  it('imports a new catalog version without changing dossiers received under the old one', async () => {
    const catalog = JSON.parse(await fs.readFile(path.join(repoRoot, 'samples', 'catalog.json'), 'utf8'));
    catalog.procedures[0].components[2].name = 'Văn bản ủy quyền (có chứng thực)';
    catalog.procedures.push({ code: 'XX', name: 'Thủ tục thử nghiệm', components: [{ code: 'XX-1', name: 'Đơn thử nghiệm', required: true, retention: { years: 5 } }] });
    const imported = await call(stack, 'POST', '/catalog', catalog);
    expect(imported.status).toBe(201);
    expect((await call(stack, 'POST', '/catalog', catalog)).status).toBe(200); // the same catalog again: no new version
    expect((await call(stack, 'POST', '/catalog', { version: 1, procedures: [] })).status).toBe(422);

    const old = await call(stack, 'GET', `/dossiers/${dossierCode}`);
    expect(old.body.completeness.find((c: any) => c.code === 'KS-UQ').name).toBe('Văn bản ủy quyền');
    const fresh = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'XX' }, [{ name: 'd.jpg', bytes: request }]);
    expect(fresh.status).toBe(202);
    const dossier = await call(stack, 'GET', `/dossiers/${fresh.body.dossier}`);
    expect(dossier.body.procedureName).toBe('Thủ tục thử nghiệm');
    const ks = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.H00', procedure: 'KS' }, [{ name: 'e.jpg', bytes: request }]);
    const ksDossier = await call(stack, 'GET', `/dossiers/${ks.body.dossier}`);
    expect(ksDossier.body.completeness.find((c: any) => c.code === 'KS-UQ').name).toBe('Văn bản ủy quyền (có chứng thực)');
  });

  it('has archive-api correct the record when the clerk corrects an archived document (record.reclassify)', async () => {
    const view = await getJson(`${stack.url}/api/v1/batches/${firstBatch}`, stack.token);
    const archived = view.documents.find((d: any) => d.status === 'archived');
    const before = await getJson(`${stack.url}/api/v1/records/${archived.recordId}`, stack.token);
    expect(before.metadata.componentCode).toBe('KS-UQ');
    const r = await call(stack, 'PUT', `/documents/${archived.id}/component`, { component: 'KS-TK' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ component: 'KS-TK', status: 'archived' });
    const name = (await call(stack, 'GET', `/dossiers/${dossierCode}`)).body.completeness.find((c: any) => c.code === 'KS-TK').name;
    let record = before;
    for (const until = Date.now() + 60_000; record.metadata.componentCode !== 'KS-TK' && Date.now() < until; ) {
      await new Promise((done) => setTimeout(done, 250));
      record = await getJson(`${stack.url}/api/v1/records/${archived.recordId}`, stack.token);
    }
    expect(record.metadata).toMatchObject({ componentCode: 'KS-TK', componentName: name, retention: before.metadata.retention, sha256: before.metadata.sha256 });
  });
});
