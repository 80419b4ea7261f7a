import path from 'node:path';
import { connectObjectStore, createDb, loadConfig } from '@sohoa/shared';
import { formatChainReport, verifyAuditTrail, writeAuditHead, type ChainReport } from '@sohoa/archive-api';
import { readCredentials } from '../bootstrap.ts';

export interface AuditCommandOptions { json: boolean }

/**
 * `sohoa audit verify`: exit 0 only when the audit trail's hash chain is intact up to its last row and agrees with
 * the last head written to the object store; else it names the first bad row. With DATABASE_URL (and S3_*) it reads
 * the database and the object store itself, trusting no server; on the embedded default the running server owns
 * the database, so the server is asked (SOHOA_URL, token from data/credentials.json or SOHOA_TOKEN).
 */
export async function runAuditVerify(o: AuditCommandOptions): Promise<number> {
  const report = process.env.DATABASE_URL ? await direct((deps) => verifyAuditTrail(deps)) : ((await server('GET', '/api/v1/audit/verify')) as ChainReport);
  console.log(o.json ? JSON.stringify(report, null, 2) : formatChainReport(report));
  return report.intact ? 0 : 1;
}

/** `sohoa audit head`: writes the chain's end to the object store now (the cron job does it every 10 minutes). */
export async function runAuditHead(): Promise<number> {
  const result = (process.env.DATABASE_URL
    ? await direct(async (deps) => {
      if (!deps.store) throw new Error('set S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY: the head goes to the object store');
      return writeAuditHead({ db: deps.db, store: deps.store });
    })
    : await server('POST', '/api/v1/audit/heads')) as Awaited<ReturnType<typeof writeAuditHead>>;
  if (!result.head) console.log('no audit row yet: nothing to write');
  else console.log(`${result.written ? 'written' : 'already there'}: ${result.key} (row ${result.head.seq}, ${result.head.hash})`);
  return 0;
}

async function direct<T>(work: (deps: Parameters<typeof verifyAuditTrail>[0]) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = createDb(config.databaseUrl!, 2);
  try {
    const { endpoint, accessKey, secretKey, bucket, region } = config.s3;
    const store = endpoint && accessKey && secretKey ? await connectObjectStore({ endpoint, accessKey, secretKey, bucket, region }) : null;
    if (!store) console.error('no S3_ENDPOINT: the rows are checked, but not against the head written to the object store');
    return await work({ db, store });
  } finally {
    await db.end();
  }
}

async function server(method: 'GET' | 'POST', route: string): Promise<unknown> {
  const credentials = await readCredentials(path.join(process.env.DATA_DIR ?? 'data', 'credentials.json'));
  const url = (process.env.SOHOA_URL ?? credentials?.url ?? 'http://localhost:8080').replace(/\/$/, '');
  const token = process.env.SOHOA_TOKEN ?? credentials?.token;
  if (!token) throw new Error('no API token: set SOHOA_TOKEN or run where data/credentials.json is (or set DATABASE_URL to read the database directly)');
  const response = await fetch(`${url}${route}`, { method, headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json().catch(() => ({}))) as { error?: { message: string } };
  if (!response.ok) throw new Error(`the server answered ${response.status}: ${body.error?.message ?? 'no reason given'}`);
  return body;
}
