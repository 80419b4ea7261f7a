import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntakeFull, intakeDepth, intakeGate, unitRepository, type Queryable } from '@sohoa/shared';
import { REFUSAL_HOLD_MS } from '../src/http/batches.routes.ts';
import { expectResponseConforms } from './helpers/contract-check.ts';
import { repoRoot, startTestStack, uploadBatch, waitFor, type TestStack } from './helpers/stack.ts';

const UNIT = '000.00.00.H00';
const LIMIT = 3;

/**
 * Issue 13, back-pressure: past INTAKE_QUEUE_LIMIT waiting files and pages, an upload of a unit with work of its
 * own waiting is answered 429 with Retry-After and stores nothing (a unit with nothing waiting still gets in), and
 * a hot-folder file stays in the folder (not quarantined) until the queue has drained. Workers are off, so the queue only drains when the test empties it (as workers would).
 */
describe('back-pressure on a full queue', () => {
  let stack: TestStack;
  let scan: Buffer;

  beforeAll(async () => {
    stack = await startTestStack({ INTAKE_QUEUE_LIMIT: String(LIMIT), INTAKE_RETRY_AFTER_SECONDS: '1' }, { workers: false });
    scan = await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png'));
  });
  afterAll(async () => stack?.stop());

  const drain = () => stack.runtime.db.query(`DELETE FROM pgboss.job WHERE name IN ('ingest.file', 'ocr.page') AND state < 'active'`);
  /** The depth read for one request is reused for a second: later requests see the queue as it is now. */
  const pastReuse = () => new Promise((r) => setTimeout(r, 1100));
  const batchCount = async () => (await stack.runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM batches')).rows[0]!.n;

  it('answers 429 with Retry-After past the limit, stores nothing, and takes batches again once the queue drained', async () => {
    const files = Array.from({ length: LIMIT }, (_, i) => ({ name: `p${i}.png`, bytes: scan }));
    const first = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS' }, files);
    expect(first.status).toBe(202);
    expect(await intakeDepth(stack.runtime.db)).toBe(LIMIT);
    const before = await batchCount();

    await pastReuse();
    const form = new FormData();
    form.set('unit', UNIT);
    form.append('files[]', new Blob([new Uint8Array(scan)]), 'late.png');
    const sent = performance.now();
    const refused = await fetch(`${stack.url}/api/v1/batches`, { method: 'POST', body: form, headers: { authorization: `Bearer ${stack.token}` } });
    expect(refused.status).toBe(429);
    // Held: a sender that retries at once, Retry-After unread, is refused at most a few times a second.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(REFUSAL_HOLD_MS);
    expect(refused.headers.get('retry-after')).toBe('1');
    await expectResponseConforms('post', '/api/v1/batches', refused);
    const body = await refused.json();
    expect(body.error.code).toBe('queue-full');
    expect(body.error.message).toMatch(/3 files and pages are waiting/);
    expect(await batchCount()).toBe(before); // nothing stored for the refused batch

    // A caller of another unit learns nothing of this one's queue: it is told the unit is unknown to it, not that
    // the unit is busy, and it is not held like a refusal.
    await unitRepository.createUnit(stack.runtime.db, { code: '000.00.00.Q09', name: 'UBND xã Bên Cạnh' });
    const key = await fetch(`${stack.url}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'neighbour scanner', units: ['000.00.00.Q09'], scopes: ['batches:write'] }),
    });
    expect(key.status).toBe(201);
    const neighbour: string = (await key.json()).secret;
    const probeSent = performance.now();
    const probe = await uploadBatch(stack.url, neighbour, { unit: UNIT, procedure: 'KS' }, [{ name: 'probe.png', bytes: scan }]);
    expect(probe.status).toBe(422);
    expect(probe.body.error.code).toBe('unknown-unit');
    expect(performance.now() - probeSent).toBeLessThan(REFUSAL_HOLD_MS * 4); // answered, not held as a refusal would be
    expect(await batchCount()).toBe(before);

    // A unit with nothing waiting is not turned away because of another unit's backlog.
    await unitRepository.createUnit(stack.runtime.db, { code: '000.00.00.Q01', name: 'UBND xã Yên Tĩnh' });
    const quiet = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.Q01', procedure: 'KS' }, [{ name: 'quiet.png', bytes: scan }]);
    expect(quiet.status).toBe(202);
    const twice = await uploadBatch(stack.url, stack.token, { unit: '000.00.00.Q01', procedure: 'KS' }, [{ name: 'quiet-2.png', bytes: scan }]);
    expect(twice.status).toBe(429); // now it has a file waiting too

    await drain();
    const again = await waitFor('an upload to be taken again', async () => {
      const r = await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS' }, [{ name: 'again.png', bytes: scan }]);
      return r.status === 202 ? r : r.status === 429 ? null : Promise.reject(new Error(`answered ${r.status}`));
    }, 10_000);
    expect(again.body.id).toBeTruthy();
    await drain();
    await pastReuse();
  });

  it('refuses an upload when its first file begins, before any of it is spooled, and reads past the rest of its body', async () => {
    const files = Array.from({ length: LIMIT }, (_, i) => ({ name: `s${i}.png`, bytes: scan }));
    expect((await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS' }, files)).status).toBe(202);
    await pastReuse();
    const before = await batchCount();

    // The body is sent in two halves: the unit and the file's first 64 KB, then (after a look at the spool) the rest.
    const boundary = 'sohoa-back-pressure';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="unit"\r\n\r\n${UNIT}\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="files[]"; filename="late.png"\r\nContent-Type: image/png\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const body = Buffer.concat([head, scan, tail]);
    const cut = head.length + 64 * 1024;
    const request = http.request(`${stack.url}/api/v1/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
    });
    const answered = new Promise<{ status: number; retryAfter?: string; text: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, text }));
      });
      request.on('error', reject);
    });
    request.write(body.subarray(0, cut));
    await new Promise((r) => setTimeout(r, 700));
    const spoolDir = path.join(stack.dataDir, 'tmp', 'uploads');
    const spooled = (await fs.readdir(spoolDir).catch(() => [] as string[])).filter((n) => n.endsWith('.part'));
    request.end(body.subarray(cut));
    const refused = await answered;

    expect(spooled).toEqual([]); // the file was never written to the spool
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('1');
    expect(JSON.parse(refused.text).error.code).toBe('queue-full');
    expect(await batchCount()).toBe(before);
    await drain();
    await pastReuse();
  });

  it('reuses a unit\'s refusal for one reading of the depth without counting its work again; a unit with none is counted each time', async () => {
    const files = Array.from({ length: LIMIT }, (_, i) => ({ name: `c${i}.png`, bytes: scan }));
    expect((await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS' }, files)).status).toBe(202);
    const queries: string[] = [];
    // The real database, each query counted.
    const counted = { query: (text: string, values?: unknown[]) => { queries.push(text); return stack.runtime.db.query(text, values); } } as unknown as Queryable;
    const gate = intakeGate(counted, { queueLimit: LIMIT, retryAfterSeconds: 1, cacheMs: 5000 });
    const unitId = (await stack.runtime.db.query<{ id: string }>('SELECT id FROM units WHERE code = $1', [UNIT])).rows[0]!.id;
    const quietId = await unitRepository.createUnit(stack.runtime.db, { code: '000.00.00.Q02', name: 'UBND xã Yên Lặng' });

    await expect(gate.admit(unitId)).rejects.toBeInstanceOf(IntakeFull);
    expect(queries).toHaveLength(2); // the depth, then the unit's own waiting work
    await expect(gate.admit(unitId)).rejects.toBeInstanceOf(IntakeFull);
    expect(queries).toHaveLength(2); // the refusal again, without a query
    await gate.admit(quietId);
    await gate.admit(quietId);
    expect(queries).toHaveLength(4); // nothing waiting: counted each time, and let in
    await drain();
    await pastReuse();
  });

  it('leaves a hot-folder file in the folder while the queue is full, then takes it (never quarantined)', async () => {
    const files = Array.from({ length: LIMIT }, (_, i) => ({ name: `q${i}.png`, bytes: scan }));
    expect((await uploadBatch(stack.url, stack.token, { unit: UNIT, procedure: 'KS' }, files)).status).toBe(202);
    await pastReuse();

    const folder = path.join(stack.dataDir, 'inbox', UNIT, 'KS');
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, 'waiting.png');
    const bytes = Buffer.concat([scan, Buffer.from('back-pressure')]);
    await fs.writeFile(file, bytes);

    // Settled and seen by the watcher (poll 200 ms, settle 300 ms), and tried more than once at Retry-After 1 s.
    await new Promise((r) => setTimeout(r, 3000));
    await fs.access(file); // still there
    const quarantined = await stack.runtime.db.query(`SELECT 1 FROM quarantined_files WHERE inbox_path = $1`, [`${UNIT}/KS/waiting.png`]);
    expect(quarantined.rowCount).toBe(0);

    await drain();
    await waitFor('the hot-folder file to be taken', async () => !(await fs.stat(file).catch(() => null)), 20_000);
    const { rows } = await stack.runtime.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM batch_files WHERE name = 'waiting.png'`);
    expect(rows[0]!.n).toBe(1);
  });
});
