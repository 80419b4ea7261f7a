import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCatalog, recordAudit, unitRepository, type Db, type Logger } from '@sohoa/shared';
import { ensureDevelopmentPki } from '@sohoa/signer';
import { activeCertificate, registerUnitCertificate } from '@sohoa/signer/jobs';
import { createApiToken, hashToken } from './http/index.ts';
import { people } from './accounts/index.ts';

export const DEMO_UNIT = { code: '000.00.00.H00', name: 'UBND phường Mẫu' } as const;
const sampleCatalog = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples', 'catalog.json');

export interface BootstrapResult {
  catalogImported: boolean; unitCreated: boolean; certificate: string | null; credentialsFile: string; tokenCreated: boolean;
  /** The admin person's username when the first start made it (its password is in the credentials file only). */
  adminCreated: string | null;
}

/** data/credentials.json: the admin API token and, from the first start, the admin person's sign-in. */
export interface Credentials { url: string; token: string; admin?: { username: string; password: string } }

/**
 * First start on an empty database: the sample procedure catalog, a demo unit with a development certificate,
 * an admin token and an admin person (username + generated password) written to data/credentials.json (0600), so a
 * newcomer can ingest a scan and sign in at once.
 * Every step is skipped when already done, so it is safe on every start.
 */
export async function bootstrap(db: Db, o: { dataDir: string; pkiDir: string; inboxDir: string; url: string }, log: Logger): Promise<BootstrapResult> {
  const result: BootstrapResult = { catalogImported: false, unitCreated: false, certificate: null, credentialsFile: path.join(o.dataDir, 'credentials.json'), tokenCreated: false, adminCreated: null };
  const { rows: catalogs } = await db.query('SELECT 1 FROM catalog_versions LIMIT 1');
  if (!catalogs.length) {
    await importCatalog(db, await fs.readFile(sampleCatalog));
    result.catalogImported = true;
  }

  const { rows: units } = await db.query<{ id: string }>('SELECT id FROM units LIMIT 1');
  if (!units.length) {
    const unitId = await unitRepository.createUnit(db, DEMO_UNIT);
    await recordAudit(db, { actor: 'system', action: 'unit.created', subjectType: 'unit', subjectId: unitId, detail: DEMO_UNIT });
    result.unitCreated = true;
  }
  const { rows: demo } = await db.query<{ id: string }>('SELECT id FROM units WHERE code = $1', [DEMO_UNIT.code]);
  if (demo[0] && !(await activeCertificate(db, demo[0].id))) {
    const pki = await ensureDevelopmentPki({ dir: o.pkiDir, unitCode: DEMO_UNIT.code, unitName: DEMO_UNIT.name });
    await registerUnitCertificate(db, { unitId: demo[0].id, p12Path: pki.unitP12Path, passwordPath: pki.unitPasswordPath, actor: 'system' });
    result.certificate = pki.unitP12Path;
    log.info({ ca: pki.caCertificatePath }, 'development certificate authority and unit certificate created');
  }
  await fs.mkdir(path.join(o.inboxDir, DEMO_UNIT.code), { recursive: true });

  // The token and the admin's password are shown to nobody, logged nowhere: written once to a file only root/the
  // owner can read.
  const existing = await readCredentials(result.credentialsFile);
  const known = existing && (await db.query('SELECT 1 FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL', [hashToken(existing.token)])).rowCount;
  const admin = await people.createFirstAdmin(db);
  result.adminCreated = admin?.username ?? null;
  if (!known || admin || existing?.url !== o.url) {
    const token = known ? existing!.token : await createApiToken(db, 'admin (first start)', 'admin');
    result.tokenCreated = !known;
    const credentials: Credentials = { url: o.url, token, ...(admin ? { admin } : existing?.admin ? { admin: existing.admin } : {}) };
    await fs.writeFile(result.credentialsFile, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
    await fs.chmod(result.credentialsFile, 0o600);
  }
  return result;
}

export async function readCredentials(file: string): Promise<Credentials | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8'));
    return typeof parsed?.token === 'string' && typeof parsed?.url === 'string' ? parsed : null;
  } catch {
    return null;
  }
}
