/**
 * Reuse of digitized results by other systems and later dossiers (issue 11):
 *   GET  /reuse/results?owner=…              an owner's reusable results, signatures verified now (reuse:read)
 *   GET  /reuse/results/:recordId/pdf        the signed PDF of one of them (reuse:read)
 *   GET  /dossiers/:code/completeness        what a dossier has, what is on file for its owner, what to bring (dossiers:read)
 *   POST /dossiers/:code/reused              the dossier takes an on-file record instead of the paper (review:write)
 * The /reuse routes need X-Purpose (428 without): the purpose goes into the audit trail with the key and the owner.
 * Every route here is rate limited per key or person (429 + Retry-After), counted in PostgreSQL across processes.
 */
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { AppError, isDossierCode, isOwnerIdentifier, isUuid, OWNER_IDENTIFIER_RULE, parseInput, unitFilter, type Caller, type Db, type ObjectStore, type UnitScope } from '@sohoa/shared';
import { attachReused, dossierCompleteness, lookupResults, reuseDownload, signatureChecker, type Reuser, type ReuseDeps, type VerifyPdf } from '@sohoa/archive-api';
import { verifyPdf } from '@sohoa/signer';
import { loadTrustMaterial, type SigningSettings } from '@sohoa/signer/jobs';
import { actorOf } from '@sohoa/shared';
import { callerOf, purposeOf, requiredPurposeOf } from './acting.ts';
import { fromStore } from './errors.ts';
import { RateLimited, reuseRateLimiter, type RateLimitSettings } from './rate-limit.ts';
import { AttachReused, ReuseQuery } from './reuse.contract.ts';

export interface ReuseSettings { rateLimit: number; rateWindowSeconds: number; signatureCacheSeconds: number }

export const DEFAULT_REUSE_SETTINGS: ReuseSettings = { rateLimit: 120, rateWindowSeconds: 60, signatureCacheSeconds: 300 };

export interface ReuseRoutesDeps {
  db: Db; store: ObjectStore;
  signing: SigningSettings & { pkiDir: string };
  reuse?: ReuseSettings;
}

/** Mounted under /api/v1 behind the token check, after a JSON body parser. */
export function reuseRoutes(deps: ReuseRoutesDeps): express.Router {
  const settings = deps.reuse ?? DEFAULT_REUSE_SETTINGS;
  const limit: RateLimitSettings = { points: settings.rateLimit, windowSeconds: settings.rateWindowSeconds };
  const limiter = reuseRateLimiter(deps.db, limit);
  const signatures = signatureChecker({ ttlMs: settings.signatureCacheSeconds * 1000 });
  const r = express.Router();

  /** The server's own verification (as GET /records/:id/verify), its trust material read once per request. */
  function verifier(): VerifyPdf {
    let material: ReturnType<typeof loadTrustMaterial> | null = null;
    return async (pdf) => {
      material ??= loadTrustMaterial({ trustAnchorsDir: deps.signing.trustAnchorsDir, extraAnchorFiles: [path.join(deps.signing.pkiDir, 'ca.pem')] });
      const { trustAnchorsPem, crls } = await material;
      return verifyPdf(pdf, {
        trustAnchorsPem,
        revocation: { crls, online: deps.signing.fetchRevocation, ocspUrl: deps.signing.ocspUrl, fetchTimeoutMs: deps.signing.outbound?.timeoutMs ?? 5000, outbound: deps.signing.outbound },
        revocationSoftFail: deps.signing.revocationSoftFail === true,
      });
    };
  }
  const reuseDeps = (): ReuseDeps => ({ db: deps.db, store: deps.store, signatures, verify: verifier() });

  async function throttle(res: Response, caller: Caller): Promise<void> {
    try {
      await limiter.consume(`${caller.kind}:${caller.id}`);
    } catch (err) {
      if (err instanceof RateLimited) res.set('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }

  /** reuse:read (403), X-Purpose (428), then the rate limit (429). */
  async function reuser(req: Request, res: Response): Promise<Reuser> {
    const caller = callerOf(res);
    const units = unitFilter(caller, 'reuse:read');
    const purpose = requiredPurposeOf(req, caller);
    await throttle(res, caller);
    return { actor: actorOf(caller), purpose, units, apiKeyId: caller.kind === 'key' ? caller.id : null, unitId: caller.unitId };
  }

  /** Where the caller may look for on-file records: where it reads records or reuses them. */
  function recordUnits(caller: Caller): UnitScope {
    const held = (['records:read', 'reuse:read'] as const).map((p) => caller.grants.get(p));
    if (held.some((u) => u === 'all')) return null;
    return [...new Set(held.flatMap((u) => (u && u !== 'all' ? [...u] : [])))];
  }

  r.get('/reuse/results', async (req, res) => {
    const by = await reuser(req, res);
    const owner = typeof req.query.owner === 'string' ? req.query.owner.trim() : '';
    if (!isOwnerIdentifier(owner)) {
      throw new AppError('invalid-identifier', `owner: ${OWNER_IDENTIFIER_RULE}`, 400, { fields: [{ field: 'owner', message: OWNER_IDENTIFIER_RULE }] });
    }
    const q = parseInput(ReuseQuery, { ...req.query, owner });
    res.json(await lookupResults(reuseDeps(), { owner, procedure: q.procedure, components: q.component, issuedAfter: q.issuedAfter }, by));
  });

  r.get('/reuse/results/:recordId/pdf', async (req, res) => {
    const by = await reuser(req, res);
    if (!isUuid(req.params.recordId)) throw new AppError('not-found', 'no reusable record with that id', 404);
    const recordId = req.params.recordId;
    const { pdf, sha256 } = await fromStore(`the signed PDF of record ${recordId}`, () => reuseDownload(deps, recordId, by));
    res.type('application/pdf').set('Content-Disposition', `inline; filename="${req.params.recordId}.pdf"`)
      .set('Digest', `sha-256=${Buffer.from(sha256, 'hex').toString('base64')}`).send(pdf);
  });

  function dossierCode(req: Request<{ code: string }>): string {
    const code = req.params.code.toUpperCase();
    if (!isDossierCode(code)) throw new AppError('not-found', 'dossier not found', 404);
    return code;
  }

  r.get('/dossiers/:code/completeness', async (req, res) => {
    const caller = callerOf(res);
    const dossierUnits = unitFilter(caller, 'dossiers:read');
    await throttle(res, caller);
    res.json(await dossierCompleteness(reuseDeps(), dossierCode(req), { actor: actorOf(caller), purpose: purposeOf(req, caller), dossierUnits, recordUnits: recordUnits(caller) }));
  });

  r.post('/dossiers/:code/reused', async (req, res) => {
    const caller = callerOf(res);
    const dossierUnits = unitFilter(caller, 'review:write');
    await throttle(res, caller);
    const body = parseInput(AttachReused, { ...req.body });
    res.json(await attachReused(reuseDeps(), dossierCode(req), { recordId: body.record, component: body.component }, {
      actor: actorOf(caller), purpose: purposeOf(req, caller), dossierUnits, recordUnits: recordUnits(caller), apiKeyId: caller.kind === 'key' ? caller.id : null,
    }));
  });

  return r;
}
