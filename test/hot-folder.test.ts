import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@sohoa/shared';
import { registerInboxFile, watchInbox, type InboxWatcher } from '@sohoa/ingest';
import { createApiToken } from '../src/http/index.ts';
import { repoRoot, startTestStack, waitFor, type TestStack } from './helpers/stack.ts';

const UNIT = '000.00.00.H00';
const log = createLogger('silent');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Issue 8: the hot folder takes each file exactly once. The crash window (registered, not yet removed) is made by
 * calling the registration step alone, as a process killed right after it would leave things; a new watcher on the
 * same folder then finds the file again. Workers are off: these tests are about what happens before them.
 */
describe('the hot folder, exactly once', () => {
  let stack: TestStack;
  let inbox: string;
  let scan: Buffer;
  const watchers: InboxWatcher[] = [];
  const deps = () => ({ db: stack.runtime.db, store: stack.runtime.store, queue: stack.runtime.queue });
  const watch = async () => {
    const watcher = watchInbox(deps(), { dir: inbox, pollMs: 100, settleMs: 200 }, log);
    watchers.push(watcher);
    await watcher.ready;
    return watcher;
  };
  /** The batches made of files with these bytes. */
  const batchesOf = async (bytes: Buffer) =>
    (await stack.runtime.db.query<{ batch_id: string }>('SELECT batch_id FROM batch_files WHERE sha256 = $1 ORDER BY batch_id', [sha256(bytes)])).rows.map((r) => r.batch_id);
  const gone = (file: string) => waitFor(`${path.basename(file)} to leave the hot folder`, async () => !(await fs.stat(file).catch(() => null)), 20_000);

  beforeAll(async () => {
    stack = await startTestStack({}, { workers: false });
    inbox = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-inbox-'));
    scan = await fs.readFile(path.join(repoRoot, 'samples', 'scans', 'ks-tokhai-p1.png'));
  });
  afterAll(async () => {
    for (const watcher of watchers) await watcher.stop();
    await stack?.stop();
    if (inbox) await fs.rm(inbox, { recursive: true, force: true });
  });

  it('finishes the removal of a file registered by a process that died before removing it, without a second batch', async () => {
    const folder = path.join(inbox, UNIT, 'KS');
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, 'tokhai.png');
    const bytes = Buffer.concat([scan, Buffer.from('crash window')]); // bytes no other test drops
    await fs.writeFile(file, bytes);

    const registered = await registerInboxFile(deps(), inbox, file, log); // …and the process dies here
    expect(registered?.batchId).toBeTruthy();
    await fs.access(file); // still in the hot folder
    expect(await batchesOf(bytes)).toEqual([registered!.batchId]);

    const watcher = await watch(); // the next start
    await gone(file);
    expect(await batchesOf(bytes)).toEqual([registered!.batchId]);
    const { rows } = await stack.runtime.db.query('SELECT path, size::int AS size, state, batch_id FROM inbox_files WHERE sha256 = $1', [sha256(bytes)]);
    expect(rows).toEqual([{ path: `${UNIT}/KS/tokhai.png`, size: bytes.length, state: 'removed', batch_id: registered!.batchId }]);
    await watcher.stop();
  });

  it('finishes a hot-folder quarantine the same way: one quarantined file, then removed', async () => {
    const folder = path.join(inbox, 'NO.SUCH.UNIT');
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, 'lost.pdf');
    const bytes = Buffer.from('a file for a unit that does not exist');
    await fs.writeFile(file, bytes);

    const registered = await registerInboxFile(deps(), inbox, file, log);
    expect(registered?.quarantinedId).toBeTruthy();
    await fs.access(file);

    const watcher = await watch();
    await gone(file);
    const { rows } = await stack.runtime.db.query('SELECT id, unit_code, inbox_path, reason FROM quarantined_files WHERE sha256 = $1', [sha256(bytes)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: registered!.quarantinedId, unit_code: 'NO.SUCH.UNIT', inbox_path: 'NO.SUCH.UNIT/lost.pdf' });
    expect(rows[0].reason).toMatch(/unit/);
    expect(await batchesOf(bytes)).toEqual([]);
    await watcher.stop();
  });

  it('lists quarantined files to clerks and archivists, by unit, and serves their bytes', async () => {
    const bytes = Buffer.from('a file for a unit that does not exist'); // quarantined by the test above
    const get = (route: string, token = stack.token) => fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${token}` } });
    const all = (await (await get('/api/v1/quarantine')).json()).files;
    const entry = all.find((f: any) => f.sha256 === sha256(bytes));
    expect(entry).toMatchObject({ name: 'lost.pdf', batch: null, unit: 'NO.SUCH.UNIT', inboxPath: 'NO.SUCH.UNIT/lost.pdf', size: bytes.length });
    expect(entry.reason).toMatch(/unit/);
    expect(Date.now() - Date.parse(entry.quarantinedAt)).toBeLessThan(10 * 60_000);
    expect(entry.download).toBe(`/api/v1/quarantine/${entry.id}/file`);

    expect((await (await get('/api/v1/quarantine?unit=NO.SUCH.UNIT')).json()).files.map((f: any) => f.id)).toEqual([entry.id]);
    expect((await (await get(`/api/v1/quarantine?unit=${UNIT}`)).json()).files.map((f: any) => f.id)).not.toContain(entry.id);
    expect((await get('/api/v1/quarantine?unit=../../etc')).status).toBe(422); // no code: refused before any SQL

    const file = await get(entry.download);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/octet-stream'); // refused bytes: downloaded, never rendered
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="?lost\.pdf"?$/);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
    expect((await get('/api/v1/quarantine/00000000-0000-4000-8000-000000000000/file')).status).toBe(404);
    expect((await get('/api/v1/quarantine/not-an-id/file')).status).toBe(404);

    for (const role of ['clerk', 'archivist'] as const) {
      const token = await createApiToken(stack.runtime.db, `quarantine ${role}`, role);
      expect((await get('/api/v1/quarantine', token)).status).toBe(200);
      expect((await get(entry.download, token)).status).toBe(200);
    }
    const system = await createApiToken(stack.runtime.db, 'quarantine system', 'system');
    expect((await get('/api/v1/quarantine', system)).status).toBe(403);
    expect((await get(entry.download, system)).status).toBe(403);
  });

  it('takes a file once when two processes watch the same share, and takes the same bytes dropped again later', async () => {
    const folder = path.join(inbox, UNIT);
    const file = path.join(folder, 'shared.png');
    const bytes = Buffer.concat([scan, Buffer.from('two watchers')]);
    const [first, second] = [await watch(), await watch()];
    await fs.writeFile(file, bytes);
    await gone(file);
    await new Promise((r) => setTimeout(r, 500)); // the slower watcher has finished too
    expect(await batchesOf(bytes)).toHaveLength(1);

    await fs.writeFile(file, bytes); // a new hand-in of the same paper: a new batch, not a leftover
    await gone(file);
    await new Promise((r) => setTimeout(r, 500));
    expect(await batchesOf(bytes)).toHaveLength(2);
    await Promise.all([first.stop(), second.stop()]);
  });
});
