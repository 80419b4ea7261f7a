/**
 * Operations on the real stack with its OCR workers: a real Prometheus (Debian's package) scrapes the process's
 * /metrics while a full flow runs (a person, a key, a session, a receipt with its owner's identifier and a paper
 * uploaded, OCR'd, matched, signed and archived); the request's id is on the lines of every job it caused; and no
 * line of the whole run holds a credential the run created or the owner's identifier.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN, generateDocumentPages, generateReceiptPage, qrPayloadText, toMultiPageTiff } from '@sohoa/samples';
import { expectConforms } from './helpers/contract-check.ts';
import { startPrometheus, type Prometheus } from './helpers/prometheus.ts';
import { repoRoot, run, startTestStack, waitFor, waitForBatch, type TestStack } from './helpers/stack.ts';

const METRICS_TOKEN = randomBytes(24).toString('base64url');
const OWNER = '031234567890';
const DOSSIER = '000.00.00.H00-261202-0077';
const REQUEST_ID = `ops-upload-${randomBytes(4).toString('hex')}`;

describe('operations: metrics scraped by Prometheus, request ids through jobs, nothing secret in the logs', () => {
  let stack: TestStack;
  let prometheus: Prometheus;
  const secrets: Record<string, string> = { METRICS_TOKEN };
  let pageCount = 0;

  async function call(method: string, route: string, o: { token?: string; cookie?: string; csrf?: string; body?: unknown; form?: FormData; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.cookie) headers.cookie = o.cookie;
    if (o.csrf) headers['x-csrf-token'] = o.csrf;
    let body: string | FormData | undefined = o.form;
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const r = await fetch(`${stack.url}/api/v1${route}`, { method, headers, body });
    const contentType = r.headers.get('content-type') ?? '';
    const answer = { status: r.status, headers: r.headers, body: contentType.includes('json') ? await r.json() : Buffer.from(await r.arrayBuffer()) };
    if (contentType.includes('json')) expectConforms(method, new URL(`/api/v1${route}`, stack.url).pathname, { ...answer, contentType });
    return answer;
  }

  beforeAll(async () => {
    stack = await startTestStack({ METRICS_PORT: '0', METRICS_TOKEN, LOG_LEVEL: 'debug' }, { captureLogs: true });
    prometheus = await startPrometheus({ metricsUrl: stack.runtime.metricsUrl!, token: METRICS_TOKEN });
    const credentials = JSON.parse(await fs.readFile(path.join(stack.dataDir, 'credentials.json'), 'utf8'));
    const s3 = JSON.parse(await fs.readFile(path.join(stack.dataDir, 's3-credentials.json'), 'utf8'));
    Object.assign(secrets, { adminToken: stack.token, adminPassword: credentials.admin.password, s3SecretKey: s3.secretKey });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await stack?.stop();
  });

  it('serves /metrics on its own port only with its bearer token, in an exposition promtool accepts', async () => {
    const url = stack.runtime.metricsUrl!;
    expect(new URL(url).port).not.toBe(new URL(stack.url).port);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    expect((await fetch(url.replace('/metrics', '/other'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
    const answer = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await answer.text();
    expect(text).toMatch(/^sohoa_queue_waiting_jobs\{queue="ocr\.page"\} 0$/m);
    expect(text).toMatch(/^sohoa_queue_oldest_job_age_seconds\{queue="document\.sign\.dead"\} 0$/m);
    // Prometheus's own linter reads the exposition (it fails on a malformed one, and on naming problems).
    const file = path.join(stack.dataDir, 'exposition.txt');
    await fs.writeFile(file, text);
    const lint = await run('sh', ['-c', `promtool check metrics < '${file}'`]).then((r) => r.stdout + r.stderr, (e) => `${e.stdout}${e.stderr}`);
    // prom-client's own default gauges (nodejs_active_handles_total…) carry a _total promtool frowns on; ours must be clean.
    expect(lint.split('\n').filter((line) => line.trim() && !/^nodejs_active_\w+_total non-counter metrics/.test(line))).toEqual([]);
  });

  it('runs a full flow: person, key, session, upload to archive; the request id is on every job it caused', async () => {
    const person = await call('POST', '/people', { token: stack.token, body: { username: 'ops.clerk', unit: '000.00.00.H00', roles: [{ role: 'clerk' }] } });
    expect(person.status).toBe(201);
    const key = await call('POST', '/keys', { token: stack.token, body: { name: 'ops system', units: ['000.00.00.H00'], scopes: ['batches:write', 'batches:read', 'records:read'] } });
    expect(key.status).toBe(201);
    const signIn = await call('POST', '/session', { body: { username: 'ops.clerk', password: person.body.password } });
    expect(signIn.status).toBe(201);
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    Object.assign(secrets, { personPassword: person.body.password, apiKey: key.body.secret, sessionCookie: cookie.split('=')[1]!, csrf: signIn.body.csrfToken, owner: OWNER });

    // A receipt whose QR code names the owner, and the paper it lists.
    const look = { ...CLEAN, dpi: 200 };
    const qr = qrPayloadText({ ma_ho_so: DOSSIER, ma_tthc: 'HKD', ma_dinh_danh: OWNER, ten_giay_to: 'Giấy tiếp nhận hồ sơ', he_thong: 'sohoa' });
    const receipt = await generateReceiptPage(
      { dossierCode: DOSSIER, procedureCode: 'HKD', procedureName: 'Đăng ký thành lập hộ kinh doanh', componentNames: ['Giấy đề nghị đăng ký hộ kinh doanh'], received: { day: 2, month: 12, year: 2026 } },
      qr, look, 31,
    );
    const request = await generateDocumentPages('HKD-GDN', look, 32);
    pageCount = 1 + request.length;
    const form = new FormData();
    form.set('unit', '000.00.00.H00');
    form.append('files[]', new Blob([new Uint8Array(await toMultiPageTiff([receipt, ...request].map((p) => p.png), 200))]), 'dossier.tif');
    const upload = await call('POST', '/batches', { token: key.body.secret, form, headers: { 'x-request-id': REQUEST_ID } });
    expect(upload.status).toBe(202);
    expect(upload.headers.get('x-request-id')).toBe(REQUEST_ID);

    const batch = await waitForBatch(stack.url, key.body.secret, upload.body.id);
    expect(batch).toMatchObject({ status: 'done', dossier: DOSSIER });
    expect(batch.records.length).toBeGreaterThanOrEqual(1);
    // The session reads the dossier (the owner's identifier is in the answer, so it did go through the system) and a record.
    const dossier = await call('GET', `/dossiers/${DOSSIER}`, { cookie, headers: { 'x-purpose': 'operations test' } });
    expect(dossier.status).toBe(200);
    expect(dossier.body.ownerIdentifier).toBe(OWNER);
    expect(dossier.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/); // none given: a new one
    const pdf = await call('GET', `/records/${batch.documents.find((d: any) => d.recordId).recordId}/pdf`, { cookie, headers: { 'x-purpose': 'operations test' } });
    expect(pdf.status).toBe(200);

    const lines = stack.logLines.map((l) => JSON.parse(l));
    const ofRequest = lines.filter((l) => l.requestId === REQUEST_ID);
    expect(ofRequest.find((l) => l.msg === 'request')).toMatchObject({ method: 'POST', route: '/api/v1/batches', status: 202 });
    const jobs = new Set(ofRequest.filter((l) => l.msg === 'job finished').map((l) => l.job));
    expect([...jobs].sort()).toEqual(expect.arrayContaining(['batch.split', 'document.build', 'document.sign', 'ingest.file', 'ocr.page', 'record.archive']));
    // The session's requests have ids of their own, not the upload's.
    expect(lines.filter((l) => l.msg === 'request' && l.route === '/api/v1/dossiers/:code').map((l) => l.requestId)).toEqual([dossier.headers.get('x-request-id')]);
  });

  it('Prometheus scraped it: up, queue depth and age per job type, pages, confidence, review share, HTTP latency by route', async () => {
    const value = async (q: string) => (await prometheus.query(q))[0]?.value ?? null;
    // The last scrape after the flow: wait for the counters to reach what it did.
    await waitFor('Prometheus to scrape the finished flow', async () => ((await value('sum(sohoa_jobs_total{queue="record.archive",outcome="done"})')) ?? 0) >= 1, 30_000);
    expect(await value('up{job="sohoa"}')).toBe(1);
    const queues = (await prometheus.query('sohoa_queue_waiting_jobs')).map((s) => s.metric.queue);
    expect(queues).toEqual(expect.arrayContaining(['ingest.file', 'ocr.page', 'batch.split', 'document.sign', 'record.archive', 'ocr.page.dead']));
    expect((await prometheus.query('sohoa_queue_oldest_job_age_seconds')).length).toBe(queues.length);
    // A job waiting since 90 s ago (due in an hour, so no worker takes it) shows in its queue's depth and age.
    const { rows: [waiting] } = await stack.runtime.db.query<{ id: string }>(
      `INSERT INTO pgboss.job (name, data, start_after, created_on) VALUES ('export.bag', $1, now() + interval '1 hour', now() - interval '90 seconds') RETURNING id`,
      [{ exportId: randomUUID() }],
    );
    try {
      await waitFor('the waiting job to be scraped', async () => (await value('sohoa_queue_waiting_jobs{queue="export.bag"}')) === 1, 30_000);
      expect(await value('sohoa_queue_oldest_job_age_seconds{queue="export.bag"}')).toBeGreaterThanOrEqual(90);
      expect(await value('sohoa_queue_waiting_jobs{queue="ocr.page"}')).toBe(0);
    } finally {
      await stack.runtime.db.query(`DELETE FROM pgboss.job WHERE id = $1`, [waiting!.id]);
    }
    expect(await value('sohoa_ocr_pages_total')).toBe(pageCount);
    expect(await value('sohoa_ocr_page_confidence_count')).toBe(pageCount);
    expect(await value('sohoa_ocr_page_confidence_bucket{le="100"}')).toBe(pageCount);
    // The documents the split cut, by outcome, as the database has them (a clerk confirms a review later: no change here).
    const { rows: split } = await stack.runtime.db.query<{ outcome: string; n: number }>(
      `SELECT CASE WHEN needs_review THEN 'review' ELSE 'matched' END AS outcome, count(*)::int AS n FROM documents GROUP BY 1`);
    const byOutcome = Object.fromEntries((await prometheus.query('sohoa_documents_split_total')).map((s) => [s.metric.outcome, s.value]));
    expect(byOutcome).toEqual(Object.fromEntries(split.map((r) => [r.outcome, r.n])));
    expect(await value('sum(sohoa_documents_split_total{outcome="review"} or vector(0)) / sum(sohoa_documents_split_total)')).toBe((byOutcome.review ?? 0) / split.reduce((t, r) => t + r.n, 0));
    const buckets = await prometheus.query('sohoa_http_request_duration_seconds_bucket{route="/api/v1/batches",method="POST",status="202"}');
    expect(buckets.find((b) => b.metric.le === '+Inf')?.value).toBe(1);
    const routes = new Set((await prometheus.query('sohoa_http_request_duration_seconds_count')).map((s) => s.metric.route));
    expect([...routes]).toEqual(expect.arrayContaining(['/api/v1/batches/:id', '/api/v1/dossiers/:code', '/api/v1/records/:id/pdf']));
    expect([...routes].filter((r) => /[0-9a-f]{8}-|\d{6}-\d{4}/.test(r))).toEqual([]); // patterns, never raw URLs
    expect(await value('sohoa_signing_failures_total or vector(0)')).toBe(0);
  });

  it('the Grafana dashboard\'s every query runs on it, and promtool accepts infra/\'s prometheus.yml', async () => {
    const dashboard = JSON.parse(await fs.readFile(path.join(repoRoot, 'infra/grafana/dashboards/sohoa.json'), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(15);
    const answered: string[] = [];
    for (const expr of exprs) {
      const samples = await prometheus.query(expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '10m'));
      if (samples.length) answered.push(expr);
    }
    // Queue panels, pages, confidence, the review share, jobs, latency, up: data already; failures may be empty.
    expect(answered.length).toBeGreaterThanOrEqual(10);

    const config = path.join(stack.dataDir, 'prometheus.yml');
    await fs.writeFile(path.join(stack.dataDir, 'metrics-token'), METRICS_TOKEN, { mode: 0o600 });
    const text = await fs.readFile(path.join(repoRoot, 'infra/prometheus/prometheus.yml'), 'utf8');
    await fs.writeFile(config, text.replace('/run/secrets/metrics_token', path.join(stack.dataDir, 'metrics-token')));
    const checked = await run('promtool', ['check', 'config', config]);
    expect(checked.stdout).toContain('SUCCESS');
  });

  it('no line the whole run logged holds a credential it created or the owner\'s identifier', () => {
    expect(Object.keys(secrets).sort()).toEqual(['METRICS_TOKEN', 'adminPassword', 'adminToken', 'apiKey', 'csrf', 'owner', 'personPassword', 's3SecretKey', 'sessionCookie']);
    expect(stack.logLines.length).toBeGreaterThan(50); // debug lines of every job: the search below means something
    const logs = stack.logLines.join('');
    const found = Object.entries(secrets).filter(([, secret]) => logs.includes(secret)).map(([name]) => name);
    expect(found).toEqual([]);
  });
});
