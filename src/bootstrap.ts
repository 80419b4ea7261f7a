import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCatalog, recordAudit, unitRepository, type Db, type Logger } from '@sohoa/shared';
import { ensureDevelopmentPki } from '@sohoa/signer';
import { activeCertificate, registerUnitCertificate } from '@sohoa/signer/jobs';
import { createApiToken, hashToken } from './http/index.ts';

export const DEMO_UNIT = { code: '000.00.00.H00', name: 'UBND phường Mẫu' } as const;
const sampleCatalog = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples', 'catalog.json');

export interface BootstrapResult { catalogImported: boolean; unitCreated: boolean; certificate: string | null; credentialsFile: string; tokenCreated: boolean }

/**
 * First start on an empty database: the sample procedure catalog, a demo unit with a development certificate,
 * and an admin token written to data/credentials.json (0600), so a newcomer can ingest a scan at once.
 * Every step is skipped when already done, so it is safe on every start.
 */
export async function bootstrap(db: Db, o: { dataDir: string; pkiDir: string; inboxDir: string; url: string }, log: Logger): Promise<BootstrapResult> {
  const result: BootstrapResult = { catalogImported: false, unitCreated: false, certificate: null, credentialsFile: path.join(o.dataDir, 'credentials.json'), tokenCreated: false };
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

  // The token is shown to nobody: it is written once to a file only root/the owner can read.
  const existing = await readCredentials(result.credentialsFile);
  const known = existing && (await db.query('SELECT 1 FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL', [hashToken(existing.token)])).rowCount;
  if (!known) {
    const token = await createApiToken(db, 'admin (first start)', 'admin');
    await fs.writeFile(result.credentialsFile, JSON.stringify({ url: o.url, token }, null, 2) + '\n', { mode: 0o600 });
    await fs.chmod(result.credentialsFile, 0o600);
    result.tokenCreated = true;
  } else if (existing.url !== o.url) {
    await fs.writeFile(result.credentialsFile, JSON.stringify({ ...existing, url: o.url }, null, 2) + '\n', { mode: 0o600 });
  }
  return result;
}

export async function readCredentials(file: string): Promise<{ url: string; token: string } | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8'));
    return typeof parsed?.token === 'string' && typeof parsed?.url === 'string' ? parsed : null;
  } catch {
    return null;
  }
}
