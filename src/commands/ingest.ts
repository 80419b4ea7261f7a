import fs from 'node:fs/promises';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { readCredentials } from '../bootstrap.ts';

export interface IngestCommand { unit: string; procedure: string; dossier?: string; component?: string; wait: boolean; files: string[] }

interface BatchView {
  status: 'queued' | 'processing' | 'done' | 'failed';
  dossier: string;
  files: { name: string; status: string; error: string | null; pages: number | null; pagesDone: number; pagesFailed: number }[];
  records: { id: string }[];
}

/** `sohoa ingest`: sends scans to the running server, shows progress until the records exist, prints their ids. */
export async function runIngest(o: IngestCommand): Promise<number> {
  const credentials = await readCredentials(path.join(process.env.DATA_DIR ?? 'data', 'credentials.json'));
  const url = (process.env.SOHOA_URL ?? credentials?.url ?? 'http://localhost:8080').replace(/\/$/, '');
  const token = process.env.SOHOA_TOKEN ?? credentials?.token;
  if (!token) throw new Error('no API token: set SOHOA_TOKEN or run where data/credentials.json is');

  const form = new FormData();
  form.set('unit', o.unit);
  form.set('procedure', o.procedure);
  if (o.dossier) form.set('dossier', o.dossier);
  if (o.component) form.set('component', o.component);
  for (const file of o.files) form.append('files[]', new Blob([await fs.readFile(file)]), path.basename(file));

  const headers = { authorization: `Bearer ${token}` };
  const response = await fetch(`${url}/api/v1/batches`, { method: 'POST', body: form, headers });
  const body = (await response.json().catch(() => ({}))) as { id?: string; dossier?: string; error?: { message: string } };
  if (response.status !== 202 || !body.id) throw new Error(`the server refused the batch (${response.status}): ${body.error?.message ?? 'no reason given'}`);
  console.log(`batch ${body.id} for dossier ${body.dossier}`);
  if (!o.wait) return 0;

  const bar = new SingleBar({ format: 'pages {bar} {value}/{total} | {status}', hideCursor: true }, Presets.shades_classic);
  bar.start(1, 0, { status: 'queued' });
  let view: BatchView;
  for (;;) {
    const r = await fetch(`${url}/api/v1/batches/${body.id}`, { headers });
    if (!r.ok) throw new Error(`could not read the batch status (${r.status})`);
    view = (await r.json()) as BatchView;
    const total = view.files.reduce((n, f) => n + (f.pages ?? 0), 0);
    const settled = view.files.reduce((n, f) => n + f.pagesDone + f.pagesFailed, 0);
    bar.setTotal(Math.max(total, 1));
    bar.update(settled, { status: view.status });
    if (view.status === 'done' || view.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  bar.stop();
  for (const f of view.files) if (f.error) console.log(`  ${f.name}: ${f.status}: ${f.error}`);
  for (const record of view.records) console.log(record.id);
  const problems = view.files.some((f) => f.status === 'quarantined' || f.status === 'failed');
  return view.status === 'done' && !problems ? 0 : 1;
}
