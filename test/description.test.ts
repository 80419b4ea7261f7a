/**
 * Archival description and BagIt export against the real embedded PostgreSQL and S3, without OCR: signed documents
 * are laid in the database and the object store as the signer leaves them, then the real record.archive and
 * export.bag handlers run on them, and the API is called over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveRecordJob, exportBagJob, reclassifyRecordJob } from '@sohoa/archive-api';
import type { Db, ObjectStore } from '@sohoa/shared';
import { createApiToken } from '../src/http/auth.ts';
import { s3ObjectFile } from './helpers/archived-records.ts';
import { checkBag, unpackZip } from './helpers/bagit-checker.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { startTestStack, type TestStack } from './helpers/stack.ts';

let stack: TestStack;
let db: Db;
let store: ObjectStore;
let clerk: string;
let archivist: string;
const dirs: string[] = [];

/** A request to the API; every answer is checked against its route's contract (the OpenAPI document) on the way. */
async function api(pathname: string, o: { token?: string; method?: string; body?: unknown } = {}): Promise<Response> {
  const method = o.method ?? 'GET';
  const response = await fetch(`${stack.url}/api/v1${pathname}`, {
    method,
    headers: { authorization: `Bearer ${o.token ?? stack.token}`, ...(o.body ? { 'content-type': 'application/json' } : {}) },
    body: o.body ? JSON.stringify(o.body) : undefined,
  });
  await expectResponseConforms(method, `/api/v1${pathname}`, response);
  return response;
}

/** A dossier of procedure KS (birth registration) with signed documents, as the signer leaves them. */
async function signedDossier(code: string, papers: { component: string; fields: object; pdf: Buffer; blankPages?: number }[]) {
  const { rows: [unit] } = await db.query(`SELECT id FROM units WHERE code = '000.00.00.H00'`);
  const { rows: [catalog] } = await db.query('SELECT max(id) AS id FROM catalog_versions');
  const { rows: [dossier] } = await db.query(
    `INSERT INTO dossiers (code, unit_id, procedure_code, catalog_version_id, owner_identifier, received_at) VALUES ($1, $2, 'KS', $3, '001199012345', '2026-11-20T02:00:00Z') RETURNING id`,
    [code, unit.id, catalog.id],
  );
  const { rows: [batch] } = await db.query(`INSERT INTO batches (unit_id, dossier_id, source, created_by) VALUES ($1, $2, 'upload', 'token:clerk') RETURNING id`, [unit.id, dossier.id]);
  const documents: string[] = [];
  for (const [i, p] of papers.entries()) {
    const key = `work/test/${randomUUID()}.pdf`;
    await store.put(key, p.pdf, { contentType: 'application/pdf' });
    const pages = Array.from({ length: 2 }, () => randomUUID());
    const blanks = Array.from({ length: p.blankPages ?? 0 }, () => randomUUID());
    const { rows: [doc] } = await db.query(
      `INSERT INTO documents (batch_id, dossier_id, component_code, procedure_code, page_ids, blank_page_ids, status, signed_key, position, fields)
       VALUES ($1, $2, $3, 'KS', $4, $5, 'signed', $6, $7, $8) RETURNING id`,
      [batch.id, dossier.id, p.component, pages, blanks, key, i, p.fields],
    );
    documents.push(doc.id);
  }
  return { dossierId: dossier.id as string, unitId: unit.id as string, documents };
}

const recordOf = async (documentId: string) => (await db.query('SELECT id FROM records WHERE document_id = $1', [documentId])).rows[0].id as string;
const auditOf = async (action: string, subjectId: string) =>
  (await db.query('SELECT actor, detail FROM audit_events WHERE action = $1 AND subject_id = $2 ORDER BY id', [action, subjectId])).rows;

async function unpackedBag(zip: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bag-test-'));
  dirs.push(dir);
  await unpackZip(zip, dir);
  const [top] = await readdir(dir);
  return path.join(dir, top!);
}

beforeAll(async () => {
  stack = await startTestStack({}, { workers: false });
  db = stack.runtime.db;
  store = stack.runtime.store;
  clerk = await createApiToken(db, 'clerk', 'clerk');
  archivist = await createApiToken(db, 'archivist', 'archivist');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('archival files, documents and their description', () => {
  const code = '000.00.00.H00-261120-0001';
  let dossier: Awaited<ReturnType<typeof signedDossier>>;
  let formRecord: string;
  let resultRecord: string;
  let fileId: string;
  const formPdf = Buffer.from('%PDF-1.7\n% the declaration form, signed\n%%EOF\n');
  const resultPdf = Buffer.from('%PDF-1.7\n% the birth certificate issued, signed\n%%EOF\n');

  beforeAll(async () => {
    dossier = await signedDossier(code, [
      { component: 'KS-TK', fields: { fullName: 'Nguyễn Văn An', dates: ['1990-05-01', '2026-11-19'] }, pdf: formPdf, blankPages: 2 },
      { component: 'KS-KQ', fields: { documentNumber: '125/2026/GKS', dates: ['2026-11-21'] }, pdf: resultPdf },
    ]);
  });

  it('files a dossier when its result is archived, with every record a document of the file', async () => {
    const archive = archiveRecordJob({ db, store });
    expect(await archive.run({ documentId: dossier.documents[0]! })).toEqual({ status: 'done' });
    formRecord = await recordOf(dossier.documents[0]!);
    // The dossier is still open: the record is described on the spot, not filed.
    const open = await (await api(`/records/${formRecord}/description`)).json();
    expect(open).toMatchObject({ filed: false, description: { DocCode: null, TypeName: 'Tờ khai đăng ký khai sinh' } });

    expect(await archive.run({ documentId: dossier.documents[1]! })).toEqual({ status: 'done' });
    resultRecord = await recordOf(dossier.documents[1]!);
    const { rows: [closed] } = await db.query('SELECT d.status, d.closed_at, f.id, f.closed_because FROM dossiers d JOIN archival_files f ON f.dossier_id = d.id WHERE d.id = $1', [dossier.dossierId]);
    expect(closed).toMatchObject({ status: 'closed', closed_because: 'result-issued' });
    fileId = closed.id;
    expect(await auditOf('file.closed', fileId)).toHaveLength(1);

    const view = await (await api(`/archival-files/${fileId}`)).json();
    expect(view.description).toMatchObject({
      FileCode: code, Title: 'Hồ sơ đăng ký khai sinh của Nguyễn Văn An', Maintenance: 'Vĩnh viễn', Language: 'vi', TotalDoc: 2,
      PageNumber: 4, SheetNumber: 4, StartDate: '2026-11-19', PaperFileCode: code, Rights: 'Hạn chế',
    });
    expect(view.documents.map((d: any) => [d.recordId, d.description.DocCode])).toEqual([[formRecord, `${code}.001`], [resultRecord, `${code}.002`]]);
    expect(view.documents[1].description).toMatchObject({ CodeNumber: '125', CodeNotation: 'GKS', IssuedDate: '2026-11-21', OrganName: 'UBND phường Mẫu' });
  });

  it('lets an archivist correct a file and a document, keeps the old values in the audit trail, and refuses others and bad fields', async () => {
    const edit = await api(`/archival-files/${fileId}`, { method: 'PATCH', token: archivist, body: { Title: 'Hồ sơ khai sinh cháu An', InforSign: 'KS-01' } });
    expect(edit.status).toBe(200);
    expect((await edit.json()).description).toMatchObject({ Title: 'Hồ sơ khai sinh cháu An', InforSign: 'KS-01', TotalDoc: 2 });
    const [audited] = await auditOf('file.described', fileId);
    expect(audited).toEqual({ actor: 'token:archivist', detail: { changes: [
      { field: 'Title', old: 'Hồ sơ đăng ký khai sinh của Nguyễn Văn An', new: 'Hồ sơ khai sinh cháu An' },
      { field: 'InforSign', old: null, new: 'KS-01' },
    ] } });

    // The history the file's screen shows: the correction with its old values, the closing before it; a clerk reads it too.
    const history = await (await api(`/archival-files/${fileId}/history`, { token: clerk })).json();
    expect(history.items.map((i: any) => [i.action, i.actor, i.changes.map((c: any) => c.field)])).toEqual([
      ['file.described', 'token:archivist', ['Title', 'InforSign']], ['file.closed', 'system', []],
    ]);
    expect(history.items[1].because).toBe('result-issued');
    expect((await (await api(`/records/${formRecord}/description`)).json()).fileId).toBe(fileId);

    expect((await api(`/archival-files/${fileId}`, { method: 'PATCH', token: clerk, body: { Title: 'x' } })).status).toBe(403);
    for (const body of [{ TotalDoc: 9 }, { StartDate: '2026-13-45' }, {}, { StartDate: '2027-01-01', EndDate: '2026-01-01' }]) {
      const refused = await api(`/archival-files/${fileId}`, { method: 'PATCH', token: archivist, body });
      expect(refused.status, JSON.stringify(body)).toBe(422);
    }
    // In the one error shape, the refused field named (the contract check above holds each refusal to ErrorBody too).
    const badDate = await (await api(`/archival-files/${fileId}`, { method: 'PATCH', token: archivist, body: { StartDate: '2026-13-45' } })).json();
    expect(badDate.error).toMatchObject({ code: 'invalid-input', message: expect.any(String) });
    expect(badDate.error.fields).toContainEqual({ field: 'StartDate', message: 'not a real date' });
    expect((await api(`/archival-files/${randomUUID()}`, { method: 'PATCH', token: archivist, body: { Title: 'x' } })).status).toBe(404);

    const doc = await api(`/records/${resultRecord}/description`, { method: 'PATCH', token: archivist, body: { CodeNumber: '126', Autograph: 'Chữ ký Chủ tịch' } });
    expect(doc.status).toBe(200);
    expect((await auditOf('document.described', resultRecord))[0].detail.changes).toContainEqual({ field: 'CodeNumber', old: '125', new: '126' });

    // Closing again (or a record joining) derives the file anew without undoing the archivist's corrections.
    const again = await (await api(`/dossiers/${code}/close`, { method: 'POST', token: archivist })).json();
    expect(again.description).toMatchObject({ Title: 'Hồ sơ khai sinh cháu An', TotalDoc: 2 });
    expect(again.documents[1].description.CodeNumber).toBe('126');
  });

  it("follows a clerk's correction of a filed record's component", async () => {
    await db.query(`UPDATE documents SET component_code = 'KS-GCS' WHERE id = $1`, [dossier.documents[0]]); // as the clerk's edit leaves it
    expect(await reclassifyRecordJob({ db }).run({ documentId: dossier.documents[0]! })).toEqual({ status: 'done' });
    const view = await (await api(`/archival-files/${fileId}`)).json();
    expect(view.documents[0].description).toMatchObject({ DocCode: `${code}.001`, TypeName: 'Giấy chứng sinh' });
    expect(view.description.Title).toBe('Hồ sơ khai sinh cháu An');
  });

  it('exports the file and the fonds as XML, JSON and the inventory spreadsheet, and audits each export', async () => {
    const fileJson = await (await api(`/archival-files/${fileId}/description`, { method: 'GET' })).json();
    expect(fileJson.File).toMatchObject({ FileCode: code, TotalDoc: 2 });
    const xml = await (await api(`/archival-files/${fileId}/description?format=xml`)).text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ parseTagValue: false }).parse(xml);
    expect(parsed.File).toMatchObject({ FileCode: code, Title: 'Hồ sơ khai sinh cháu An', TotalDoc: '2' });
    expect(parsed.File.Documents.Document[1]).toMatchObject({ DocCode: `${code}.002`, CodeNumber: '126' });

    const json = await (await api('/fonds/000.00.00.H00/description')).json();
    expect(json.Fond).toMatchObject({ Identifier: '000.00.00.H00', FondName: 'UBND phường Mẫu', FileTotal: 1 });
    expect(json.Fond.Files[0].Documents).toHaveLength(2);

    const xlsx = await api('/fonds/000.00.00.H00/description?format=xlsx');
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await xlsx.arrayBuffer()) as any);
    const sheet = book.getWorksheet('Mục lục hồ sơ')!;
    expect(sheet.getCell('B3').value).toBe(code);
    expect(sheet.getCell('D3').value).toBe('Hồ sơ khai sinh cháu An');
    expect((await auditOf('description.exported', dossier.unitId)).map((a) => a.detail.format)).toEqual(['json', 'xlsx']);
    expect((await auditOf('description.exported', fileId)).map((a) => a.detail.format)).toEqual(['json', 'xml']);
  });

  it("downloads a record's bag, valid by RFC 8493, with its PDF, description and audit events; audited, and not for a caller without audit:read", async () => {
    const response = await api(`/records/${resultRecord}/bag`);
    expect(response.status).toBe(200);
    const bag = await unpackedBag(Buffer.from(await response.arrayBuffer()));
    const check = await checkBag(bag);
    expect(check.problems).toEqual([]);
    const pdf = check.payloadFiles.find((f) => f.endsWith('.pdf'))!;
    expect(pdf).toBe(`data/${code}/002-${resultRecord}.pdf`);
    expect(await readFile(path.join(bag, pdf))).toEqual(resultPdf);
    const events = JSON.parse(await readFile(path.join(bag, pdf.replace(/\.pdf$/, '.audit.json')), 'utf8'));
    expect(events.map((e: any) => e.action)).toEqual(['record.archived', 'document.described']);
    expect(await readFile(path.join(bag, 'data/description.xml'), 'utf8')).toContain('<CodeNumber>126</CodeNumber>');
    expect(await auditOf('record.bag-downloaded', resultRecord)).toHaveLength(1);

    expect((await api(`/records/${resultRecord}/bag`, { token: archivist })).status).toBe(403);
  });

  it('exports a file as a bag through the export.bag job into the object store, and lists of records by id', async () => {
    const requested = await api('/exports', { method: 'POST', token: archivist, body: { kind: 'file', file: fileId } });
    expect(requested.status).toBe(202);
    const { id } = await requested.json();
    expect((await (await api(`/exports/${id}`, { token: archivist })).json()).status).toBe('queued');
    expect((await api(`/exports/${id}/bag`, { token: archivist })).status).toBe(409);

    // No workers in this stack: the job the request queued is run here by its real handler.
    const { rows: [job] } = await db.query(`SELECT data FROM pgboss.job WHERE name = 'export.bag' AND data->>'exportId' = $1`, [id]);
    expect(job).toBeDefined();
    expect(await exportBagJob({ db, store }).run({ exportId: id })).toEqual({ status: 'done' });

    const state = await (await api(`/exports/${id}`, { token: archivist })).json();
    expect(state).toMatchObject({ status: 'done', payloadFiles: 5, download: `/api/v1/exports/${id}/bag` });
    const zip = await api(`/exports/${id}/bag`, { token: archivist });
    expect(zip.status).toBe(200);
    const bytes = Buffer.from(await zip.arrayBuffer());
    expect(bytes.length).toBe(state.size);
    const check = await checkBag(await unpackedBag(bytes));
    expect(check.problems).toEqual([]);
    expect(check.payloadFiles.sort()).toEqual([
      `data/${code}/001-${formRecord}.audit.json`, `data/${code}/001-${formRecord}.pdf`,
      `data/${code}/002-${resultRecord}.audit.json`, `data/${code}/002-${resultRecord}.pdf`, 'data/description.xml',
    ].sort());
    expect((await auditOf('export.requested', id))[0]).toMatchObject({ actor: 'token:archivist', detail: { kind: 'file' } });
    expect(await auditOf('export.downloaded', id)).toHaveLength(1);

    expect((await api('/exports', { method: 'POST', token: clerk, body: { kind: 'file', file: fileId } })).status).toBe(403);
    expect((await api('/exports', { method: 'POST', token: archivist, body: { kind: 'search', records: [formRecord, randomUUID()] } })).status).toBe(404);
    expect((await api('/exports', { method: 'POST', token: archivist, body: { kind: 'everything' } })).status).toBe(422);
    const search = await api('/exports', { method: 'POST', token: archivist, body: { kind: 'search', records: [formRecord] } });
    expect(search.status).toBe(202);
  });

  it('exports what a search finds (the same search as GET /records) as a bag that validates', async () => {
    const shown = await (await api('/records?q=khai+sinh&limit=100', { token: archivist })).json();
    const wanted = shown.items.map((i: { id: string }) => i.id).sort();
    expect(wanted).toEqual([formRecord, resultRecord].sort());
    const requested = await api('/exports', { method: 'POST', token: archivist, body: { kind: 'search', query: { q: 'khai sinh' } } });
    expect(requested.status).toBe(202);
    const { id } = await requested.json();
    const { rows: [row] } = await db.query('SELECT subject FROM exports WHERE id = $1', [id]);
    expect([...row.subject.recordIds].sort()).toEqual(wanted);
    expect(await exportBagJob({ db, store }).run({ exportId: id })).toEqual({ status: 'done' });
    const bytes = Buffer.from(await (await api(`/exports/${id}/bag`, { token: archivist })).arrayBuffer());
    const check = await checkBag(await unpackedBag(bytes));
    expect(check.problems).toEqual([]);
    for (const record of wanted) expect(check.payloadFiles.some((f) => f.endsWith(`${record}.pdf`)), record).toBe(true);

    const none = await api('/exports', { method: 'POST', token: archivist, body: { kind: 'search', query: { q: 'khai sinh', procedure: 'XD' } } });
    expect(none.status).toBe(404);
    expect((await api('/exports', { method: 'POST', token: archivist, body: { kind: 'search', query: { sort: 'sideways' } } })).status).toBe(422);
  });

  it('refuses to bag a record whose stored bytes are no longer what the archive holds', async () => {
    const { rows: [record] } = await db.query('SELECT object_key FROM records WHERE id = $1', [formRecord]);
    // Damage behind sohoa's back (the record guard refuses a replacement through the store): in the endpoint's own file.
    await writeFile(s3ObjectFile(stack.dataDir, store.bucket, record.object_key), Buffer.from(formPdf.toString().replace('declaration', 'DECLARATION')));
    // The download breaks off: before the headers or during the body, as the bag's tiny payload is read.
    await expect(api(`/records/${formRecord}/bag`).then((response) => response.arrayBuffer())).rejects.toThrow();
    const requested = await (await api('/exports', { method: 'POST', body: { kind: 'file', file: fileId } })).json();
    await expect(exportBagJob({ db, store }).run({ exportId: requested.id })).rejects.toThrow(/the stored object is .* the archive holds/);
  });
});
