/**
 * Events for other systems (issue 11): a real receiver on this machine, started here, checks every delivery with
 * the standardwebhooks package, refuses a replayed id and a stale timestamp, and is down for a while (connection
 * refused, then 503s). Events come from real actions (archiving, a completed dossier, a split leaving documents for
 * review, a disposition carried out, a fixity mismatch); the webhook workers run on the real queue (no OCR), with
 * retries of 1 s doubling instead of the production 5 s, so "down for an hour" takes seconds.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { batchRepository } from '@sohoa/shared';
import { disposition, dispositionExecuteJob, fixity } from '@sohoa/archive-api';
import { receiveBatch, splitFileJob } from '@sohoa/ingest';
import { splitBatchJob } from '@sohoa/matching/jobs';
import { createKeyTransports } from '@sohoa/signer';
import { deliverWebhookJob, dispatchEvents } from '@sohoa/webhooks';
import { operatorCaller } from '../src/accounts/index.ts';
import { fixitySettings } from '../src/runtime.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { archivedRecord, backdate } from './helpers/records.ts';
import { s3ObjectFile } from './helpers/archived-records.ts';
import { startTestStack, waitFor, type TestStack } from './helpers/stack.ts';

interface Delivered { id: string; type: string; dossier: string | null; record: string | null; body: string; headers: Record<string, string> }

/**
 * The receiving system: one secret per path (one subscription each). It verifies each delivery (signature and a
 * timestamp within 5 minutes, as standardwebhooks does), refuses an id it has already taken, and can be down
 * (nothing listens: connection refused) or answer 503 to the next n requests.
 */
class Receiver {
  readonly secrets = new Map<string, string>();
  readonly accepted = new Map<string, Delivered[]>();
  readonly refused: { path: string; status: number; why: string }[] = [];
  unavailable = 0;
  answered503 = 0;
  /** Paths that answer 500 to everything, for now. */
  readonly failing = new Set<string>();
  private server: http.Server | null = null;
  port = 0;

  async up(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const [status, why] = this.take(req.url ?? '/', Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
        if (status >= 300) this.refused.push({ path: req.url ?? '/', status, why });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(why);
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Nothing listens on the port any more: every attempt is refused at connection. */
  async down(): Promise<void> {
    const server = this.server!;
    this.server = null;
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  private take(path: string, body: string, headers: Record<string, string>): [number, string] {
    if (this.unavailable > 0) {
      this.unavailable -= 1;
      this.answered503 += 1;
      return [503, 'down for maintenance'];
    }
    if (this.failing.has(path)) return [500, 'broken'];
    const secret = this.secrets.get(path);
    if (!secret) return [404, 'no such endpoint'];
    let payload: { type: string; data: { dossier: string | null; record: string | null } };
    try {
      payload = new Webhook(secret).verify(body, headers) as typeof payload; // signature, and a timestamp within 5 minutes
    } catch (err) {
      return [401, (err as Error).message];
    }
    const id = headers['webhook-id']!;
    const mine = this.accepted.get(path) ?? [];
    if (mine.some((d) => d.id === id)) return [409, `replayed: ${id} was taken already`];
    mine.push({ id, type: payload.type, dossier: payload.data.dossier, record: payload.data.record, body, headers });
    this.accepted.set(path, mine);
    return [204, ''];
  }
}

describe('webhooks: every event to the systems that may read it, signed, once, in order per dossier', () => {
  let stack: TestStack;
  const receiver = new Receiver();
  const demoUnit = '000.00.00.H00';
  const otherUnit = '001.01.00.H11';
  let subscriptionA: string;

  /** A request to the API (the admin token), its answer checked against the route's contract. */
  async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
    const full = `${stack.url}/api/v1${url}`;
    const r = await fetch(full, { method, headers: { authorization: `Bearer ${stack.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    await expectResponseConforms(method, full, r);
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  }
  async function key(units: string[], scopes: string[]): Promise<string> {
    const made = await call('POST', '/keys', { name: `system ${randomUUID().slice(0, 6)}`, units, scopes });
    expect(made.status).toBe(201);
    return made.body.key.id;
  }
  async function subscribe(apiKey: string, path: string): Promise<string> {
    const made = await call('POST', '/webhooks', { apiKey, url: receiver.url(path), events: ['record.archived', 'dossier.completed', 'dossier.needs-review', 'record.disposed', 'fixity.failed'] });
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.secrets.set(path, made.body.secret);
    return made.body.id;
  }
  const deliveriesOf = async (id: string) => (await call('GET', `/webhooks/${id}/deliveries?limit=1000`)).body.deliveries as any[];

  beforeAll(async () => {
    stack = await startTestStack(
      { WEBHOOK_RETRY_LIMIT: '12', WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_POLL_MS: '200', WEBHOOK_TIMEOUT_MS: '3000' },
      { workers: false, webhooks: true },
    );
    await receiver.up();
    expect((await call('POST', '/units', { code: otherUnit, name: 'UBND phường A' })).status).toBe(201);
  });
  afterAll(async () => {
    await receiver.down().catch(() => {});
    await stack?.stop();
  });

  it('manages subscriptions: the secret once, checked input, the unit-admin\'s keys only', async () => {
    const reader = await key([demoUnit], ['records:read']);
    const bad = await call('POST', '/webhooks', { apiKey: reader, url: 'ftp://example.org/hook', events: ['record.archived'] });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: 'invalid-input', fields: [{ field: 'url' }] } } });
    expect((await call('POST', '/webhooks', { apiKey: reader, url: 'https://example.org/hook', events: ['record.updated'] })).status).toBe(422);
    expect((await call('POST', '/webhooks', { apiKey: randomUUID(), url: 'https://example.org/hook', events: ['record.archived'] })).status).toBe(404);

    const made = await call('POST', '/webhooks', { apiKey: reader, url: 'https://example.org/hook', events: ['record.archived'], description: 'a portal' });
    expect(made.body).toMatchObject({ url: 'https://example.org/hook', events: ['record.archived'], apiKey: { id: reader, owner: demoUnit }, description: 'a portal' });
    const listed = await call('GET', '/webhooks');
    const mine = listed.body.webhooks.find((w: any) => w.id === made.body.id);
    expect(mine).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(made.body.secret); // shown once, never listed
    expect((await call('DELETE', `/webhooks/${made.body.id}`)).status).toBe(204);
    expect((await call('GET', '/webhooks')).body.webhooks.some((w: any) => w.id === made.body.id)).toBe(false);
    expect((await call('DELETE', `/webhooks/${made.body.id}`)).status).toBe(404);
    expect((await call('GET', `/webhooks/${made.body.id}/deliveries`)).status).toBe(404);
  });

  it('delivers every event once, signed, in order per dossier, to a receiver that was down; nothing to keys that may not read the unit', async () => {
    const { db, store, queue } = stack.runtime;
    subscriptionA = await subscribe(await key([demoUnit], ['records:read']), '/a');
    const otherUnitsKey = await subscribe(await key([otherUnit], ['records:read']), '/b'); // reads another unit
    const noReadingScope = await subscribe(await key([demoUnit], ['batches:write']), '/c'); // no reading scope

    // Up: the first record of a birth registration (KS) dossier arrives at once.
    const first = await archivedRecord(stack.runtime, { procedure: 'KS', component: 'KS-TK' });
    await waitFor('the first event', async () => (receiver.accepted.get('/a')?.length ?? 0) >= 1, 30_000);

    // Down: nothing listens. Meanwhile the dossier is completed, another dossier gets two records and loses one
    // to disposition, a third waits for review, and the first record's object is damaged.
    await receiver.down();
    await archivedRecord(stack.runtime, { procedure: 'KS', component: 'KS-GCS', dossierId: first.dossierId }); // all required components: completed
    const due = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC', dossierId: due.dossierId });
    await backdate(stack.runtime, due.recordId, '2020-12-31');
    await disposition.scanDue(db);
    const operator = operatorCaller();
    const listId = (await disposition.propose({ db, queue }, operator, { records: [due.recordId], note: 'webhooks' })).id;
    await disposition.approve({ db, queue }, { ...operator, id: 'lead', name: 'cli:lead' }, listId, { reason: 'webhooks' });
    expect(await dispositionExecuteJob({ db, store, keys: createKeyTransports({}) }).run({ listId })).toEqual({ status: 'done' });
    const reviewDossier = await batchForReview();
    // After the disposition: the disposed record's object is gone on purpose, only the damaged one fails.
    const { rows: [stored] } = await db.query<{ object_key: string }>('SELECT object_key FROM records WHERE id = $1', [first.recordId]);
    const file = s3ObjectFile(stack.dataDir, store.bucket, stored!.object_key);
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 3] ^= 0x01;
    await fs.writeFile(file, bytes);
    await fixity.fixityRunJob({ db, store, queue, settings: { ...fixitySettings(stack.runtime.config), signatureCheckMaxBytes: 0 } }).run({});

    // Attempts fail at connection while it is down (the relay has made the deliveries by now) …
    await waitFor('attempts refused at connection', async () => (await deliveriesOf(subscriptionA)).some((d) => d.lastError === 'connection refused'), 30_000);
    expect(receiver.accepted.get('/a')).toHaveLength(1);
    // … then it answers again, first 503 to three requests, then for real.
    receiver.unavailable = 3;
    await receiver.up();

    const { rows: expected } = await db.query<{ webhook_id: string; type: string; dossier_code: string | null }>(
      `SELECT webhook_id, type, dossier_code FROM events WHERE unit_id = (SELECT id FROM units WHERE code = $1)
         AND occurred_at >= (SELECT created_at FROM webhook_subscriptions WHERE id = $2) ORDER BY id`,
      [demoUnit, subscriptionA],
    );
    expect(new Set(expected.map((e) => e.type))).toEqual(new Set(['record.archived', 'dossier.completed', 'dossier.needs-review', 'record.disposed', 'fixity.failed']));
    expect(expected.filter((e) => e.type === 'dossier.completed').map((e) => e.dossier_code)).toEqual([first.dossierCode]);
    expect(expected.filter((e) => e.type === 'dossier.needs-review').map((e) => e.dossier_code)).toEqual([reviewDossier]);
    expect(expected.filter((e) => e.type === 'record.disposed').map((e) => e.dossier_code)).toEqual([due.dossierCode]);
    expect(expected.filter((e) => e.type === 'fixity.failed').map((e) => e.dossier_code)).toEqual([first.dossierCode]);

    await waitFor('every event at the receiver', async () => (receiver.accepted.get('/a')?.length ?? 0) >= expected.length, 90_000);
    const got = receiver.accepted.get('/a')!;
    // Exactly once each: the same ids, no repeat, nothing extra.
    expect(got.map((d) => d.id).sort()).toEqual(expected.map((e) => e.webhook_id).sort());
    expect(new Set(got.map((d) => d.id)).size).toBe(got.length);
    // In order per dossier: each dossier's events arrived in the order they happened.
    for (const dossier of new Set(expected.map((e) => e.dossier_code))) {
      expect(got.filter((d) => d.dossier === dossier).map((d) => d.id), `dossier ${dossier}`).toEqual(expected.filter((e) => e.dossier_code === dossier).map((e) => e.webhook_id));
    }
    expect(got.filter((d) => d.dossier === first.dossierCode).map((d) => d.type)).toEqual(['record.archived', 'record.archived', 'dossier.completed', 'fixity.failed']);
    expect(receiver.answered503).toBe(3);
    // Nothing was refused but the 503s: no bad signature, no stale timestamp, no replay from the sender.
    expect(receiver.refused.filter((r) => r.status !== 503)).toEqual([]);

    // The delivery log: all delivered, the retried ones with their attempts and the last error seen.
    const log = await waitFor('the log to settle', async () => {
      const all = await deliveriesOf(subscriptionA);
      return all.every((d) => d.status === 'delivered') ? all : null;
    });
    expect(log).toHaveLength(expected.length);
    const retried = log.filter((d) => d.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const d of retried) expect(d.lastError).toMatch(/connection refused|answered 503/);
    expect(log.some((d) => d.lastStatus === 204 && /answered 503/.test(d.lastError ?? ''))).toBe(true);

    // The keys that may not read the demo unit heard nothing.
    expect(receiver.accepted.get('/b')).toBeUndefined();
    expect(receiver.accepted.get('/c')).toBeUndefined();
    expect(await deliveriesOf(otherUnitsKey)).toEqual([]);
    expect(await deliveriesOf(noReadingScope)).toEqual([]);

    // Running the relay and a delivery again sends nothing twice.
    await dispatchEvents({ db, queue });
    expect(await deliverWebhookJob({ db, settings: { timeoutMs: 3000 } }).run({ deliveryId: log[0].id })).toMatchObject({ status: 'skipped' });
    expect(receiver.accepted.get('/a')).toHaveLength(expected.length);
  });

  it('gives a delivery up once its retries are spent, and the later events of its dossier go on', async () => {
    const broken = await subscribe(await key([demoUnit], ['dossiers:read']), '/d');
    receiver.failing.add('/d');
    const a = await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-PYC' });
    await archivedRecord(stack.runtime, { procedure: 'CT', component: 'CT-BC', dossierId: a.dossierId }); // and completed
    const [first, ...later] = await waitFor('both attempted', async () => {
      const log = (await deliveriesOf(broken)).reverse(); // oldest first
      return log.length === 3 && log[0].attempts > 0 ? log : null;
    }, 30_000);
    expect(first).toMatchObject({ type: 'record.archived', status: 'pending', lastStatus: 500 });
    expect(later.every((d: any) => d.status === 'pending')).toBe(true); // held back behind it
    // What pg-boss does once the last retry has failed (the dead-letter queue's giveUp), done now.
    await deliverWebhookJob({ db: stack.runtime.db, settings: { timeoutMs: 3000 } }).giveUp({ deliveryId: first.id }, 'the receiver answered 500 Internal Server Error');
    receiver.failing.delete('/d');
    const log = await waitFor('the later ones delivered', async () => {
      const all = (await deliveriesOf(broken)).reverse();
      return all.slice(1).every((d: any) => d.status === 'delivered') ? all : null;
    }, 60_000);
    expect(log[0]).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^no retry left: /) });
    expect(receiver.accepted.get('/d')!.map((d) => d.id)).toEqual(later.map((d: any) => d.webhookId)); // not the given-up one, the rest in order
    expect(receiver.accepted.get('/d')!.map((d) => d.type)).toEqual(['record.archived', 'dossier.completed']);
  });

  it('is refused by the receiver when replayed, stale or altered', async () => {
    const taken = receiver.accepted.get('/a')![0]!;
    const post = (headers: Record<string, string>, body: string) =>
      fetch(receiver.url('/a'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const standard = (h: Record<string, string>) => ({ 'webhook-id': h['webhook-id']!, 'webhook-timestamp': h['webhook-timestamp']!, 'webhook-signature': h['webhook-signature']! });
    expect((await post(standard(taken.headers), taken.body)).status).toBe(409); // the very same request again

    const secret = receiver.secrets.get('/a')!;
    const id = `msg_${randomUUID().replaceAll('-', '')}`;
    const old = new Date(Date.now() - 10 * 60_000);
    const stale = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(old.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, old, taken.body) };
    const staleAnswer = await post(stale, taken.body);
    expect(staleAnswer.status).toBe(401);
    expect(await staleAnswer.text()).toMatch(/too old/i);

    const now = new Date();
    const fresh = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, now, taken.body) };
    expect((await post(fresh, taken.body.replace('"record.archived"', '"record.disposed"'))).status).toBe(401); // altered body
    expect((await post(fresh, taken.body)).status).toBe(204); // the check is not just refusing everything
  });

  /** A batch whose one page reads as nothing the catalog knows: the real split job leaves it for review. */
  async function batchForReview(): Promise<string> {
    const { db, store, queue } = stack.runtime;
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-webhooks-'));
    const garbage = path.join(tmp, 'torn.bin');
    await fs.writeFile(garbage, `no scan ${randomUUID()}`);
    const bytes = await fs.readFile(garbage);
    const { batchId, dossierCode } = await receiveBatch({ db, store, queue }, {
      unitCode: demoUnit, procedureCode: 'KS', source: 'upload', actor: 'test:webhooks',
      files: [{ name: 'torn.bin', path: garbage, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }],
    });
    const { rows: [file] } = await db.query<{ id: string }>('SELECT id FROM batch_files WHERE batch_id = $1', [batchId]);
    await splitFileJob({ db, store, queue, maxPagePixels: 1e8 }).run({ fileId: file!.id }); // no scan: quarantined
    const { id: pageId } = await batchRepository.upsertPage(db, { fileId: file!.id, batchId, pageIndex: 1, sourceKey: 'test/none.jpg', dpi: 300 });
    await batchRepository.pageRecognized(db, pageId, {
      blank: false, rotation: 0, skewDegrees: 0, confidence: 95, lowConfidence: false, width: 40, height: 20, dpi: 300,
      imageKey: 'test/none.jpg', text: 'Biên bản họp tổ dân phố số 3', words: [], codes: [],
    });
    expect(await splitBatchJob({ db, queue }).run({ batchId })).toEqual({ status: 'done' });
    await fs.rm(tmp, { recursive: true, force: true });
    return dossierCode;
  }
});
