/**
 * Reuse (issue 11, "Done means"): a second system holding a key for two wards (of three) looks up a citizen by
 * identifier and gets exactly that citizen's valid results in those wards, each with its signature status verified
 * now (valid, revoked since, broken); what is disposed of, past its retention, another owner's or a third ward's is
 * not there. Every lookup and download is in the audit trail with its purpose and in record_reuses. 400/403/428/429,
 * a dossier's completeness (on file, to bring, taken instead of paper), and `sohoa reuse`.
 * Records are made without OCR: a signed PDF where document.sign leaves it, archived by the real record.archive job.
 */
import { createHash, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchRepository, documentRepository, dossierRepository, objectKey, type Permission } from '@sohoa/shared';
import { archiveRecordJob } from '@sohoa/archive-api';
import { signPdf, type SigningKey } from '@sohoa/signer';
import { issueCrl, issueTestIdentity } from '@sohoa/signer/testing';
import { apiKeys, operatorCaller, units } from '../src/accounts/index.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { demoUnitKey, scannedLikePdf } from './helpers/archived-records.ts';
import { repoRoot, startTestStack, type TestStack } from './helpers/stack.ts';

const run = promisify(execFile);
const OWNER = '079123456789';
const OTHER_OWNER = '001099012345';
const RATE_LIMIT = 40;
const WARDS = { one: '000.00.31.H29', two: '000.00.32.H29', three: '000.00.33.H29' } as const;

describe('reuse API: a second system reuses a citizen\'s digitized results', () => {
  let stack: TestStack;
  let unitKey: SigningKey;
  let revokedKey: SigningKey;
  const unitIds: Record<string, string> = {};
  const seeded: Record<string, string> = {};
  let key: { secret: string; name: string; id: string };
  let day = 0;

  /** One record of `owner` in `ward`, archived by the real job from a PDF signed by `signer`, optionally spoiled after signing. */
  async function seed(ward: string, owner: string, procedure: string, component: string, o: { signer?: SigningKey; breakIt?: boolean; issued?: string; number?: string } = {}): Promise<string> {
    const { db, store } = stack.runtime;
    const catalog = (await db.query<{ id: number }>('SELECT max(id) AS id FROM catalog_versions')).rows[0]!.id;
    day += 1;
    const dossierId = await dossierRepository.insertDossier(db, {
      code: `${ward}-2601${String(day).padStart(2, '0')}-0001`, codeSource: 'given', unitId: unitIds[ward]!, procedureCode: procedure, catalogVersionId: catalog, receivedAt: new Date(),
    });
    const batchId = randomUUID();
    await batchRepository.insertBatch(db, { id: batchId, unitId: unitIds[ward]!, dossierId, componentCode: null, source: 'upload', createdBy: 'test' });
    const documentId = randomUUID();
    await documentRepository.createFromSplit(db, {
      id: documentId, batchId, dossierId, position: 0, kind: 'document', pageIds: [], blankPageIds: [], procedureCode: procedure, componentCode: component,
      title: null, confidence: 1, runnerUp: null, explanation: [], needsReview: false, confirmedBy: 'test',
      fields: { ownerIdentifier: owner, dates: o.issued ? ['1990-05-04', o.issued] : [], documentNumber: o.number ?? null },
    });
    let pdf = Buffer.from(await signPdf(await scannedLikePdf(`${component} ${owner}`, 2000), o.signer ?? unitKey));
    if (o.breakIt) {
      const at = pdf.indexOf('Ho so'); // inside the signed byte range: the signature no longer covers these bytes
      pdf = Buffer.concat([pdf.subarray(0, at), Buffer.from('Ho SO'), pdf.subarray(at + 5)]);
    }
    const signedKey = objectKey('work', 'signed', `${documentId}.pdf`);
    await store.put(signedKey, pdf, { contentType: 'application/pdf' });
    await documentRepository.markBuilt(db, documentId, 0, objectKey('work', 'built', `${documentId}.pdf`));
    await documentRepository.markSigned(db, documentId, signedKey);
    const outcome = await archiveRecordJob({ db, store }).run({ documentId });
    if (outcome.status !== 'done') throw new Error(`archiving: ${JSON.stringify(outcome)}`);
    return (await db.query<{ id: string }>('SELECT id FROM records WHERE document_id = $1', [documentId])).rows[0]!.id;
  }

  async function newKey(scopes: Permission[], wards: string[], name = `he-thong-${randomUUID().slice(0, 8)}`) {
    const made = await apiKeys.createKey(stack.runtime.db, operatorCaller(), { name, unitCodes: wards, scopes });
    return { secret: made.secret, name, id: made.key.id };
  }

  async function call(secret: string, pathname: string, o: { purpose?: string | null; method?: string; json?: unknown } = {}) {
    const headers: Record<string, string> = { authorization: `Bearer ${secret}` };
    if (o.purpose !== null) headers['x-purpose'] = encodeURIComponent(o.purpose ?? 'Cấp giấy phép xây dựng (XD)');
    if (o.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.url}/api/v1${pathname}`, { method: o.method ?? 'GET', headers, body: o.json === undefined ? undefined : JSON.stringify(o.json) });
    await expectResponseConforms(o.method ?? 'GET', `${stack.url}/api/v1${pathname}`, response);
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: type.includes('json') ? ((await response.json()) as any) : Buffer.from(await response.arrayBuffer()) };
  }
  const lookup = (secret: string, query: string, purpose?: string | null) => call(secret, `/reuse/results?${query}`, { purpose });

  beforeAll(async () => {
    stack = await startTestStack({ REUSE_RATE_LIMIT: String(RATE_LIMIT), REUSE_RATE_WINDOW_SECONDS: '120' }, { workers: false });
    const operator = operatorCaller();
    await units.addUnit(stack.runtime.db, operator, { code: '000.00.30.H29', name: 'UBND quận Thử', parent: null });
    for (const [i, code] of Object.values(WARDS).entries()) {
      await units.addUnit(stack.runtime.db, operator, { code, name: `UBND phường ${i + 1}`, parent: '000.00.30.H29' });
      unitIds[code] = (await stack.runtime.db.query<{ id: string }>('SELECT id FROM units WHERE code = $1', [code])).rows[0]!.id;
    }
    unitKey = await demoUnitKey(stack.dataDir);
    // A unit certificate from the server's own CA, revoked after it signed: the CRL is put in the trust folder.
    const pki = path.join(stack.dataDir, 'pki');
    const authority = { certificatePem: await fs.readFile(path.join(pki, 'ca.pem'), 'utf8'), privateKeyPem: await fs.readFile(path.join(pki, 'ca-key.pem'), 'utf8') };
    const revoked = await issueTestIdentity(authority, 'UBND phường Thu Hồi');
    revokedKey = revoked;

    seeded.valid1 = await seed(WARDS.one, OWNER, 'KS', 'KS-KQ', { issued: '2025-03-01', number: '12/2025/GKS' });
    seeded.gcs1 = await seed(WARDS.one, OWNER, 'KS', 'KS-GCS', { issued: '2024-02-01' });
    seeded.revoked1 = await seed(WARDS.one, OWNER, 'KS', 'KS-TK', { signer: revokedKey });
    seeded.broken1 = await seed(WARDS.one, OWNER, 'KT', 'KT-KQ', { breakIt: true });
    seeded.valid2 = await seed(WARDS.two, OWNER, 'XD', 'XD-KQ', { issued: '2024-06-01' });
    seeded.disposed2 = await seed(WARDS.two, OWNER, 'XD', 'XD-GCN');
    seeded.expired2 = await seed(WARDS.two, OWNER, 'HKD', 'HKD-KQ');
    seeded.third = await seed(WARDS.three, OWNER, 'KS', 'KS-KQ');
    seeded.otherOwner = await seed(WARDS.one, OTHER_OWNER, 'KS', 'KS-KQ');
    await stack.runtime.db.query('UPDATE records SET disposed_at = now() WHERE id = $1', [seeded.disposed2]);
    await stack.runtime.db.query(`UPDATE records SET retain_until = '2020-12-31', permanent = false, retention_provisional = false WHERE id = $1`, [seeded.expired2]);
    await fs.mkdir(path.join(pki, 'trust'), { recursive: true });
    await fs.writeFile(path.join(pki, 'trust', 'revoked.crl'), await issueCrl(authority, [revoked.certificatePem], new Date()));

    key = await newKey(['reuse:read'], [WARDS.one, WARDS.two], 'mot-cua-tinh');
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('gives exactly the citizen\'s still-valid results in the key\'s two wards, each with its signature verified now', async () => {
    const answer = await lookup(key.secret, `owner=${OWNER}`);
    expect(answer.status).toBe(200);
    expect(answer.body.owner).toBe(OWNER);
    const byId = Object.fromEntries(answer.body.results.map((r: any) => [r.recordId, r]));
    expect(Object.keys(byId).sort()).toEqual([seeded.valid1, seeded.gcs1, seeded.revoked1, seeded.broken1, seeded.valid2].sort());
    expect(Object.fromEntries(Object.entries(byId).map(([id, r]: [string, any]) => [id, r.signature]))).toEqual({
      [seeded.valid1!]: 'valid', [seeded.gcs1!]: 'valid', [seeded.revoked1!]: 'revoked', [seeded.broken1!]: 'invalid', [seeded.valid2!]: 'valid',
    });
    expect(byId[seeded.valid1!]).toMatchObject({
      dossier: `${WARDS.one}-260101-0001`, procedure: 'KS', component: 'KS-KQ', componentName: 'Giấy khai sinh', documentNumber: '12/2025/GKS',
      issuedAt: '2025-03-01', pages: (await stack.runtime.db.query('SELECT page_count FROM records WHERE id = $1', [seeded.valid1])).rows[0].page_count, retainUntil: null, pdf: `/api/v1/reuse/results/${seeded.valid1}/pdf`,
    });

    // Filters: a procedure, a list of components, issued after a day.
    expect((await lookup(key.secret, `owner=${OWNER}&procedure=KS`)).body.results.map((r: any) => r.recordId).sort()).toEqual([seeded.valid1, seeded.gcs1, seeded.revoked1].sort());
    expect((await lookup(key.secret, `owner=${OWNER}&component=KS-KQ,XD-KQ`)).body.results.map((r: any) => r.recordId).sort()).toEqual([seeded.valid1, seeded.valid2].sort());
    expect((await lookup(key.secret, `owner=${OWNER}&component=KS-KQ&component=KS-GCS`)).body.results.map((r: any) => r.recordId).sort()).toEqual([seeded.valid1, seeded.gcs1].sort());
    expect((await lookup(key.secret, `owner=${OWNER}&issuedAfter=2024-12-31`)).body.results.map((r: any) => r.recordId)).toEqual([seeded.valid1]);
    // The other owner: only theirs; a key for the third ward alone: only that ward's.
    expect((await lookup(key.secret, `owner=${OTHER_OWNER}`)).body.results.map((r: any) => r.recordId)).toEqual([seeded.otherOwner]);
    const third = await newKey(['reuse:read'], [WARDS.three]);
    expect((await lookup(third.secret, `owner=${OWNER}`)).body.results.map((r: any) => r.recordId)).toEqual([seeded.third]);
  });

  it('puts every lookup in the audit trail with the key, its purpose and the owner, and counts each record shown as reused', async () => {
    const purpose = 'Cấp giấy phép xây dựng - hồ sơ 000.00.30.H29-260301-0001';
    const before = (await stack.runtime.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE actor = $1 AND action = 'reuse.lookup'`, [`key:${key.name}`])).rows[0].n;
    const answer = await lookup(key.secret, `owner=${OWNER}&component=XD-KQ`, purpose);
    expect(answer.body.results.map((r: any) => r.recordId)).toEqual([seeded.valid2]);
    const { rows } = await stack.runtime.db.query(
      `SELECT actor, purpose, subject_type, subject_id, unit_id, detail FROM audit_events WHERE actor = $1 AND action = 'reuse.lookup' ORDER BY id`, [`key:${key.name}`],
    );
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toEqual({ actor: `key:${key.name}`, purpose, subject_type: 'owner', subject_id: OWNER, unit_id: unitIds[WARDS.two], detail: { records: [seeded.valid2], query: { procedure: null, components: ['XD-KQ'], issuedAfter: null } } });
    // Every lookup of this key (the first test's six and this one) has a purpose.
    expect(rows.every((r) => typeof r.purpose === 'string' && r.purpose.length > 0)).toBe(true);
    const reuses = (await stack.runtime.db.query(`SELECT kind, api_key_id, purpose FROM record_reuses WHERE record_id = $1 AND purpose = $2`, [seeded.valid2, purpose])).rows;
    expect(reuses).toEqual([{ kind: 'lookup', api_key_id: key.id, purpose }]);
  });

  it('serves the signed PDF behind each link, audited and counted as a download; not another ward\'s or a disposed record\'s', async () => {
    const listed = (await lookup(key.secret, `owner=${OWNER}&component=KS-KQ`)).body.results[0];
    const purpose = 'Đăng ký kết hôn';
    const pdf = await call(key.secret, listed.pdf.replace('/api/v1', ''), { purpose });
    expect(pdf.status).toBe(200);
    const sha = createHash('sha256').update(pdf.body).digest('hex');
    const stored = (await stack.runtime.db.query('SELECT sha256 FROM records WHERE id = $1', [listed.recordId])).rows[0].sha256;
    expect(sha).toBe(stored);
    expect(pdf.headers.get('digest')).toBe(`sha-256=${Buffer.from(stored, 'hex').toString('base64')}`);
    const audited = (await stack.runtime.db.query(`SELECT purpose, detail FROM audit_events WHERE action = 'reuse.download' AND subject_id = $1`, [listed.recordId])).rows;
    expect(audited).toEqual([{ purpose, detail: { owner: OWNER } }]);
    expect((await stack.runtime.db.query(`SELECT count(*)::int AS n FROM record_reuses WHERE record_id = $1 AND kind = 'download'`, [listed.recordId])).rows[0].n).toBe(1);
    for (const id of [seeded.third, seeded.disposed2, seeded.expired2]) expect((await call(key.secret, `/reuse/results/${id}/pdf`)).status).toBe(404);
  });

  it('refuses a malformed identifier (400, with the rule), a key without reuse:read (403) and a request without X-Purpose (428)', async () => {
    for (const owner of ['07912345678', 'abc', '079123456789x', '0312345678-1']) {
      const refused = await lookup(key.secret, `owner=${encodeURIComponent(owner)}`);
      expect([owner, refused.status, refused.body.error.code]).toEqual([owner, 400, 'invalid-identifier']);
      expect(refused.body.error.message).toContain('12-digit personal identification number');
    }
    expect((await lookup(key.secret, 'purpose=x')).status).toBe(400); // no owner at all
    expect((await lookup(key.secret, `owner=0312345678-001`)).body.results).toEqual([]); // an organization's code is a valid identifier
    const reader = await newKey(['records:read', 'dossiers:read'], [WARDS.one, WARDS.two]);
    const forbidden = await lookup(reader.secret, `owner=${OWNER}`);
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'forbidden']);
    expect((await call(reader.secret, `/reuse/results/${seeded.valid1}/pdf`)).status).toBe(403);
    const noPurpose = await lookup(key.secret, `owner=${OWNER}`, null);
    expect([noPurpose.status, noPurpose.body.error.code]).toEqual([428, 'purpose-required']);
    expect((await call(key.secret, `/reuse/results/${seeded.valid1}/pdf`, { purpose: null })).status).toBe(428);
    const badComponent = await lookup(key.secret, `owner=${OWNER}&component=../x`);
    expect([badComponent.status, badComponent.body.error.fields[0].field]).toEqual([422, 'component.0']);
  });

  it(`limits each key to ${RATE_LIMIT} requests a window, counted in PostgreSQL: then 429 with Retry-After; another key is not affected`, async () => {
    const busy = await newKey(['reuse:read'], [WARDS.one]);
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) statuses.push((await lookup(busy.secret, 'owner=bad')).status);
    expect(new Set(statuses)).toEqual(new Set([400]));
    const limited = await lookup(busy.secret, `owner=${OWNER}`);
    expect([limited.status, limited.body.error.code]).toEqual([429, 'rate-limited']);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    const counted = (await stack.runtime.db.query(`SELECT points FROM reuse_rate_limits WHERE key = $1`, [`reuse:key:${busy.id}`])).rows;
    expect(counted).toEqual([{ points: RATE_LIMIT + 1 }]);
    expect((await lookup(key.secret, `owner=${OTHER_OWNER}`)).status).toBe(200);
  });

  it('tells, for a dossier being received, which required components are on file in reusable form and which the citizen must bring; a dossier takes one instead of paper', async () => {
    const { db } = stack.runtime;
    const catalog = (await db.query<{ id: number }>('SELECT max(id) AS id FROM catalog_versions')).rows[0]!.id;
    // A birth registration being received in ward 1: the form (KS-TK) is scanned, the birth notice (KS-GCS) is not.
    const code = `${WARDS.one}-260301-0001`;
    const dossierId = await dossierRepository.insertDossier(db, { code, codeSource: 'given', unitId: unitIds[WARDS.one]!, procedureCode: 'KS', catalogVersionId: catalog, receivedAt: new Date() });
    const batchId = randomUUID();
    await batchRepository.insertBatch(db, { id: batchId, unitId: unitIds[WARDS.one]!, dossierId, componentCode: null, source: 'upload', createdBy: 'test' });
    const formId = randomUUID();
    await documentRepository.createFromSplit(db, {
      id: formId, batchId, dossierId, position: 0, kind: 'document', pageIds: [], blankPageIds: [], procedureCode: 'KS', componentCode: 'KS-TK',
      title: null, confidence: 0.95, runnerUp: null, explanation: [], needsReview: false, confirmedBy: null, fields: { ownerIdentifier: OWNER },
    });
    const counter = await newKey(['dossiers:read', 'records:read'], [WARDS.one]);
    const first = await call(counter.secret, `/dossiers/${code}/completeness`, { purpose: null });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ dossier: code, procedure: 'KS', owner: OWNER, onFile: [{ component: 'KS-GCS', records: [seeded.gcs1] }], mustBring: [] });
    const states = Object.fromEntries(first.body.components.map((c: any) => [c.code, [c.state, c.documentIds, c.onFile.map((r: any) => r.recordId)]]));
    expect(states).toEqual({ 'KS-TK': ['present', [formId], []], 'KS-GCS': ['missing', [], [seeded.gcs1]], 'KS-UQ': ['missing', [], []] });
    // The revoked KS-TK record of ward 1 is on file but not reusable: it is not offered.
    expect(JSON.stringify(first.body)).not.toContain(seeded.revoked1);

    // The clerk takes the on-file birth notice instead of the paper (admin token here: it holds review:write).
    const taken = await call(stack.token, `/dossiers/${code}/reused`, { method: 'POST', json: { record: seeded.gcs1 }, purpose: null });
    expect(taken.status).toBe(200);
    const gcs = taken.body.components.find((c: any) => c.code === 'KS-GCS');
    expect([gcs.state, gcs.reusedRecordId, taken.body.onFile, taken.body.mustBring]).toEqual(['reused', seeded.gcs1, [], []]);
    expect((await call(stack.token, `/dossiers/${code}/reused`, { method: 'POST', json: { record: seeded.gcs1 }, purpose: null })).status).toBe(200); // again: nothing new
    const rows = (await db.query(`SELECT kind, reusing_dossier_code, component_code FROM record_reuses WHERE record_id = $1 AND kind = 'dossier'`, [seeded.gcs1])).rows;
    expect(rows).toEqual([{ kind: 'dossier', reusing_dossier_code: code, component_code: 'KS-GCS' }]);
    // A record whose signature is not valid cannot stand in for a paper; a component of another procedure is refused.
    const refused = await call(stack.token, `/dossiers/${code}/reused`, { method: 'POST', json: { record: seeded.revoked1 }, purpose: null });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'signature-not-valid']);
    const wrong = await call(stack.token, `/dossiers/${code}/reused`, { method: 'POST', json: { record: seeded.valid1, component: 'XD-BV' }, purpose: null });
    expect([wrong.status, wrong.body.error.code]).toEqual([422, 'unknown-component']);

    // A death registration of the other owner, nothing scanned, nothing on file: every required paper must be brought.
    const other = `${WARDS.one}-260302-0001`;
    const otherId = await dossierRepository.insertDossier(db, { code: other, codeSource: 'given', unitId: unitIds[WARDS.one]!, procedureCode: 'KT', catalogVersionId: catalog, receivedAt: new Date() });
    await db.query('UPDATE dossiers SET owner_identifier = $2 WHERE id = $1', [otherId, OTHER_OWNER]);
    const bring = await call(counter.secret, `/dossiers/${other}/completeness`, { purpose: null });
    expect([bring.body.owner, bring.body.onFile, bring.body.mustBring]).toEqual([OTHER_OWNER, [], ['KT-TK', 'KT-GBT']]);
    // Another ward's key does not see ward 1's dossier.
    const elsewhere = await newKey(['dossiers:read'], [WARDS.two]);
    expect((await call(elsewhere.secret, `/dossiers/${code}/completeness`, { purpose: null })).status).toBe(404);
  });

  it('sohoa reuse asks the server with the key and the purpose, and keeps its rules', async () => {
    const cli = (args: string[], env: Record<string, string> = {}) => run('node', [path.join(repoRoot, 'bin', 'sohoa.js'), 'reuse', ...args], {
      env: { ...process.env, SOHOA_URL: stack.url, SOHOA_TOKEN: key.secret, DATA_DIR: stack.dataDir, ...env },
    }).then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }));
    const listed = await cli(['--owner', OWNER, '--component', 'XD-KQ', '--purpose', 'Cấp phép xây dựng', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).results.map((r: any) => r.recordId)).toEqual([seeded.valid2]);
    const audited = (await stack.runtime.db.query(`SELECT actor, subject_id FROM audit_events WHERE action = 'reuse.lookup' AND purpose = 'Cấp phép xây dựng'`)).rows;
    expect(audited).toEqual([{ actor: `key:${key.name}`, subject_id: OWNER }]);
    expect((await cli(['--owner', OWNER])).code).toBe(2); // no purpose: usage
    const malformed = await cli(['--owner', '12345', '--purpose', 'x']);
    expect([malformed.code, malformed.stderr]).toEqual([1, expect.stringContaining('12-digit personal identification number')]);
  }, 60_000);
});
