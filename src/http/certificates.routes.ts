/**
 * Certificate registry over HTTP:
 *   GET  /units/:code/certificates          every certificate of the unit, with status and expiry warning
 *   POST /units/:code/certificates          import a PKCS#12 (admin): JSON with paths to the .p12 and its
 *                                           password file or environment variable, or multipart with the
 *                                           .p12 and its password (sealed into the database under
 *                                           SIGNING_KEY_ENCRYPTION_KEY, never written to a file or returned)
 *   POST /certificates/:id/revoke           the CA revoked it: it signs nothing from now on (admin)
 * All three need certificates:manage at the unit (admins, unit-admins of the unit or a unit above it); another
 * unit, or its certificate, is not found.
 * (A record's signatures are verified in records.routes.ts.)
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import multer from 'multer';
import {
  AppError, actorOf, inScope, isUnitCode, isUuid, jsonDepthGuard, optional, parseInput, scopeParam, serverPathInput, textInput, unitFilter,
  type Db, type UnitScope,
} from '@sohoa/shared';
import { createKeyTransports, SignerError, type KeyTransports } from '@sohoa/signer';
import {
  certificateById,
  certificateView,
  listCertificates,
  loadTrustMaterial,
  markRevoked,
  registerUnitCertificate,
  registerUploadedCertificate,
  type SigningSettings,
} from '@sohoa/signer/jobs';
import { ImportFields, RevokeFields } from './certificates.contract.ts';
import { callerOf } from './acting.ts';
import { multipart } from './errors.ts';

export interface CertificateRoutesDeps {
  db: Db;
  /**
   * `keys`: where keys are opened and uploads sealed (the runtime's); absent, made here from
   * `keyEncryptionKey` (SIGNING_KEY_ENCRYPTION_KEY), without which uploads are refused.
   */
  signing: SigningSettings & { pkiDir: string; keys?: KeyTransports; keyEncryptionKey?: Uint8Array | null; secretsDir?: string };
}

/**
 * A file an admin names on the server (p12Path, passwordFile, sealPath) is read only when it lies under the secrets
 * folder (SECRETS_DIR), after symbolic links are followed: else an import would read any file the server can, and
 * its answer would tell which exist. The refusal is the same whether the file exists or not.
 */
export async function underSecretsDir(field: string, given: string, secretsDir: string): Promise<string> {
  const refused = new AppError('path-not-allowed', `${field}: only files in the server's secrets folder (SECRETS_DIR) can be named`, 422);
  const inside = (dir: string, file: string) => file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  const resolved = path.resolve(secretsDir, given);
  if (!inside(path.resolve(secretsDir), resolved)) throw refused;
  const [dir, file] = await Promise.all([realpath(secretsDir).catch(() => null), realpath(resolved).catch(() => null)]);
  if (!dir || !file || !inside(dir, file)) throw refused;
  return file;
}




/**
 * A refused import says why, in the signer's words, under its stable code:
 * 422 for the certificate, 503 when the server lacks the key to store an upload.
 */
function asAppError(error: unknown): unknown {
  if (!(error instanceof SignerError)) return error;
  return new AppError(error.code, error.message, error.code === 'key-encryption-key-missing' ? 503 : 422);
}

export function certificateRoutes(deps: CertificateRoutesDeps): express.Router {
  const router = express.Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 1024 * 1024, files: 2, fields: 20, fieldSize: 16 * 1024, fieldNameSize: 100, parts: 22 } });
  const keys = deps.signing.keys ?? createKeyTransports({ keyEncryptionKey: deps.signing.keyEncryptionKey });
  const trust = () => loadTrustMaterial({ trustAnchorsDir: deps.signing.trustAnchorsDir, extraAnchorFiles: [path.join(deps.signing.pkiDir, 'ca.pem')] });

  /** The unit, if the caller manages certificates there: another unit is as missing as an unknown code. */
  async function unitByCode(code: string, units: UnitScope): Promise<{ id: string; code: string; name: string }> {
    if (!isUnitCode(code)) throw new AppError('not-found', 'unit not found', 404); // never a NUL or 20 KB into SQL or a path
    const { rows } = await deps.db.query<{ id: string; code: string; name: string }>(
      'SELECT id, code, name FROM units WHERE code = $1 AND ($2::uuid[] IS NULL OR id = ANY($2))',
      [code, scopeParam(units)],
    );
    if (!rows[0]) throw new AppError('not-found', `unit ${code} not found`, 404);
    return rows[0];
  }

  router.get('/units/:code/certificates', async (req, res) => {
    const unit = await unitByCode(req.params.code, unitFilter(callerOf(res), 'certificates:manage'));
    const now = new Date();
    const certificates = (await listCertificates(deps.db, unit.id)).map((row) => certificateView(row, now, deps.signing.expiryWarningDays));
    const warnings = certificates.filter((view) => view.active && view.status.warning).map((view) => view.status.warning!);
    res.json({ unit: { code: unit.code, name: unit.name }, certificates, warnings });
  });

  router.post<{ code: string }>('/units/:code/certificates', express.json({ limit: '16kb', verify: jsonDepthGuard() }), multipart(upload.fields([{ name: 'p12', maxCount: 1 }, { name: 'seal', maxCount: 1 }])), async (req, res) => {
    const unit = await unitByCode(req.params.code, unitFilter(callerOf(res), 'certificates:manage'));
    const body = parseInput(ImportFields, { ...req.body });
    const text = (name: 'p12Path' | 'passwordFile' | 'passwordEnv' | 'sealPath' | 'holderName') => body[name];
    const role = body.role ?? 'unit';
    const files = (req.files ?? {}) as Record<string, Express.Multer.File[]>;

    const uploaded = files.p12?.[0];
    const common = { unitId: unit.id, role, holderName: text('holderName'), actor: actorOf(callerOf(res)) } as const;
    let id: string;
    if (uploaded) {
      // The .p12 and its password stay in memory until they are sealed into the row: no file, no log line.
      const password = body.password;
      if (password === undefined) throw new AppError('missing-password', 'an uploaded .p12 needs its "password" field');
      const { trustAnchorsPem } = await trust();
      id = await registerUploadedCertificate(deps.db, {
        ...common,
        p12: uploaded.buffer,
        password,
        sealImage: files.seal?.[0]?.buffer,
        keys,
        trustAnchorsPem,
      }).catch((error: unknown) => {
        throw asAppError(error);
      });
    } else {
      const given = text('p12Path');
      if (!given) throw new AppError('missing-p12', 'give "p12Path" (with "passwordFile" or "passwordEnv") or upload "p12" with "password"');
      const secrets = deps.signing.secretsDir ?? deps.signing.pkiDir;
      const p12Path = await underSecretsDir('p12Path', given, secrets);
      const passwordPath = text('passwordFile') === undefined ? undefined : await underSecretsDir('passwordFile', text('passwordFile')!, secrets);
      const sealPath = text('sealPath') === undefined ? undefined : await underSecretsDir('sealPath', text('sealPath')!, secrets);
      const { trustAnchorsPem } = await trust();
      id = await registerUnitCertificate(deps.db, {
        ...common,
        p12Path,
        passwordPath,
        passwordEnv: text('passwordEnv'),
        sealPath,
        keys,
        trustAnchorsPem,
      }).catch((error: unknown) => {
        throw asAppError(error);
      });
    }
    const row = (await certificateById(deps.db, id))!;
    res.status(201).json(certificateView(row, new Date(), deps.signing.expiryWarningDays));
  });

  router.post('/certificates/:id/revoke', express.json({ limit: '16kb', verify: jsonDepthGuard() }), async (req, res) => {
    const units = unitFilter(callerOf(res), 'certificates:manage');
    // The body is checked first: its answer says nothing of whether the certificate exists.
    const reason = parseInput(RevokeFields, { ...req.body }).reason ?? 'revoked by the certificate authority';
    const found = isUuid(req.params.id) ? await certificateById(deps.db, req.params.id) : null;
    if (!found || !inScope(units, found.unit_id)) throw new AppError('not-found', 'certificate not found', 404);
    const row = await markRevoked(deps.db, found.id, reason, actorOf(callerOf(res)));
    if (!row) throw new AppError('not-found', 'certificate not found', 404);
    res.json(certificateView(row, new Date(), deps.signing.expiryWarningDays));
  });

  return router;
}
