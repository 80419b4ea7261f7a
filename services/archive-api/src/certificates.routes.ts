/**
 * Certificate registry and signature verification over HTTP:
 *   GET  /units/:code/certificates          every certificate of the unit, with status and expiry warning
 *   POST /units/:code/certificates          import a PKCS#12 (admin): JSON with paths to the .p12 and its
 *                                           password file or environment variable, or multipart with the
 *                                           .p12 and its password (kept in a 0600 file, never returned)
 *   POST /certificates/:id/revoke           the CA revoked it: it signs nothing from now on (admin)
 *   GET  /records/:id/verify                every signature of the record checked, problems in words
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  AppError, actorOf, isUnitCode, isUuid, jsonDepthGuard, optional, parseInput, requireRole, serverPathInput, textInput,
  type Caller, type Db, type ObjectStore,
} from '@sohoa/shared';
import { formatReport, SignerError, verifyPdf } from '@sohoa/signer';
import {
  certificateById,
  certificateView,
  listCertificates,
  loadTrustMaterial,
  markRevoked,
  registerUnitCertificate,
  type SigningSettings,
} from '@sohoa/signer/jobs';
import { loadRecord } from './batch-status.ts';
import { multipart } from './http-errors.ts';

export interface CertificateRoutesDeps {
  db: Db;
  store: ObjectStore;
  signing: SigningSettings & { pkiDir: string };
}



/** An import's fields, as JSON or multipart text; the password is taken as typed (not trimmed). */
const ImportFields = z.object({
  role: optional(z.enum(['unit', 'officer'])),
  p12Path: optional(serverPathInput),
  passwordFile: optional(serverPathInput),
  passwordEnv: optional(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name')),
  holderName: optional(textInput(200)),
  sealPath: optional(serverPathInput),
  password: z.string().max(1024, 'at most 1024 characters').refine((value) => !value.includes('\0'), 'a password cannot contain NUL').optional(),
});
const RevokeFields = z.object({ reason: optional(textInput(1000)) });

/** A refused import says why, in the signer's words, under its stable code. */
function asAppError(error: unknown): unknown {
  return error instanceof SignerError ? new AppError(error.code, error.message, 422) : error;
}

export function certificateRoutes(deps: CertificateRoutesDeps): express.Router {
  const router = express.Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 1024 * 1024, files: 2 } });
  const trust = () => loadTrustMaterial({ trustAnchorsDir: deps.signing.trustAnchorsDir, extraAnchorFiles: [path.join(deps.signing.pkiDir, 'ca.pem')] });

  async function unitByCode(code: string): Promise<{ id: string; code: string; name: string }> {
    if (!isUnitCode(code)) throw new AppError('not-found', 'unit not found', 404); // never a NUL or 20 KB into SQL or a path
    const { rows } = await deps.db.query<{ id: string; code: string; name: string }>('SELECT id, code, name FROM units WHERE code = $1', [code]);
    if (!rows[0]) throw new AppError('not-found', `unit ${code} not found`, 404);
    return rows[0];
  }

  router.get('/units/:code/certificates', async (req, res) => {
    const unit = await unitByCode(req.params.code);
    const now = new Date();
    const certificates = (await listCertificates(deps.db, unit.id)).map((row) => certificateView(row, now, deps.signing.expiryWarningDays));
    const warnings = certificates.filter((view) => view.active && view.status.warning).map((view) => view.status.warning!);
    res.json({ unit: { code: unit.code, name: unit.name }, certificates, warnings });
  });

  router.post<{ code: string }>('/units/:code/certificates', express.json({ verify: jsonDepthGuard() }), multipart(upload.fields([{ name: 'p12', maxCount: 1 }, { name: 'seal', maxCount: 1 }])), async (req, res) => {
    requireRole(res.locals.caller as Caller); // signing certificates: admin only
    const unit = await unitByCode(req.params.code);
    const body = parseInput(ImportFields, { ...req.body });
    const text = (name: 'p12Path' | 'passwordFile' | 'passwordEnv' | 'sealPath' | 'holderName') => body[name];
    const role = body.role ?? 'unit';
    const files = (req.files ?? {}) as Record<string, Express.Multer.File[]>;

    let p12Path = text('p12Path');
    let passwordPath = text('passwordFile');
    const passwordEnv = text('passwordEnv');
    let sealPath = text('sealPath');
    const uploaded = files.p12?.[0];
    if (uploaded) {
      // An uploaded .p12 and its password go to files only the service can read, like the development PKI's.
      const password = body.password;
      if (password === undefined) throw new AppError('missing-password', 'an uploaded .p12 needs its "password" field');
      const dir = path.join(deps.signing.pkiDir, 'units', unit.code);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const base = path.join(dir, `${role}-${randomUUID()}`);
      p12Path = `${base}.p12`;
      passwordPath = `${base}.password`;
      await fs.writeFile(p12Path, uploaded.buffer, { mode: 0o600 });
      await fs.writeFile(passwordPath, password, { mode: 0o600 });
      if (files.seal?.[0]) await fs.writeFile((sealPath = `${base}-seal.img`), files.seal[0].buffer, { mode: 0o600 });
    }
    if (!p12Path) throw new AppError('missing-p12', 'give "p12Path" (with "passwordFile" or "passwordEnv") or upload "p12" with "password"');

    const { trustAnchorsPem } = await trust();
    const id = await registerUnitCertificate(deps.db, {
      unitId: unit.id,
      role,
      p12Path,
      passwordPath,
      passwordEnv: uploaded ? undefined : passwordEnv,
      holderName: text('holderName'),
      sealPath,
      trustAnchorsPem,
      actor: actorOf(res.locals.caller as Caller),
    }).catch(async (error: unknown) => {
      if (uploaded) await Promise.all([p12Path, passwordPath, sealPath].map((file) => file && fs.rm(file, { force: true })));
      throw asAppError(error);
    });
    const row = (await certificateById(deps.db, id))!;
    res.status(201).json(certificateView(row, new Date(), deps.signing.expiryWarningDays));
  });

  router.post('/certificates/:id/revoke', express.json({ verify: jsonDepthGuard() }), async (req, res) => {
    requireRole(res.locals.caller as Caller); // signing certificates: admin only
    if (!isUuid(req.params.id)) throw new AppError('not-found', 'certificate not found', 404);
    const reason = parseInput(RevokeFields, { ...req.body }).reason ?? 'revoked by the certificate authority';
    const row = await markRevoked(deps.db, req.params.id, reason, actorOf(res.locals.caller as Caller));
    if (!row) throw new AppError('not-found', 'certificate not found', 404);
    res.json(certificateView(row, new Date(), deps.signing.expiryWarningDays));
  });

  router.get('/records/:id/verify', async (req, res) => {
    const record = isUuid(req.params.id) ? await loadRecord(deps.db, req.params.id) : null;
    if (!record) throw new AppError('not-found', 'record not found', 404);
    const { trustAnchorsPem, crls } = await trust();
    const report = await verifyPdf(await deps.store.get(record.objectKey), {
      trustAnchorsPem,
      revocation: { crls, online: deps.signing.fetchRevocation, ocspUrl: deps.signing.ocspUrl, fetchTimeoutMs: 5000 },
      revocationSoftFail: deps.signing.revocationSoftFail === true,
    });
    res.json({ recordId: record.id, ...report, text: formatReport(report) });
  });

  return router;
}
