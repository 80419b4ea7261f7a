/**
 * The HTTP API: the runtime layer above the services. Health and readiness here, everything else under /api/v1
 * behind `authenticate` (API key, legacy token or session cookie + CSRF), one router per domain; errors become JSON answers at this edge.
 */
import express from 'express';
import { AppError, type Db, type IntakeGate, type Logger, type ObjectStore, type OidcSettings, type Queue } from '@sohoa/shared';
import { auditRoutes } from './audit.routes.ts';
import { accountRoutes } from './accounts.routes.ts';
import { authenticate } from './auth.ts';
import { callerCache } from './caller-cache.ts';
import { batchRoutes } from './batches.routes.ts';
import { catalogRoutes } from './catalog.routes.ts';
import { certificateRoutes, type CertificateRoutesDeps } from './certificates.routes.ts';
import { descriptionRoutes } from './description.routes.ts';
import { dossierRoutes } from './dossiers.routes.ts';
import { errorHandler } from './errors.ts';
import { openApiRoutes } from './openapi.routes.ts';
import { exportRoutes } from './exports.routes.ts';
import { fixityRoutes } from './fixity.routes.ts';
import { recordRoutes } from './records.routes.ts';
import { reuseRoutes, type ReuseSettings } from './reuse.routes.ts';
import { oidcRoutes } from './oidc.routes.ts';
import { sessionRoutes } from './session.routes.ts';
import { holdRoutes } from './holds.routes.ts';
import { webhookRoutes } from './webhooks.routes.ts';
import { dispositionRoutes } from './disposition.routes.ts';
import { searchRoutes } from './search.routes.ts';
import { reportRoutes } from './reports.routes.ts';
import { observeRequests } from './request-observer.ts';
import { securityHeaders } from './security-headers.ts';
import { webUi } from './web-ui.ts';

export interface ApiDeps {
  db: Db; store: ObjectStore; queue: Queue; log: Logger; maxUploadBytes: number;
  /** Back-pressure on uploads (INTAKE_*); absent: every batch comes in. */
  intake?: IntakeGate;
  /** Where uploaded files wait, on this machine's disk, until they are in the object store. */
  spoolDir: string;
  signing?: CertificateRoutesDeps['signing'];
  /** How long a document the clerk confirmed waits before it is built (REVIEW_UNDO_SECONDS): her time to undo. */
  undoSeconds?: number;
  /** Why the process cannot take work yet (first start not done), or null once it can. */
  notReady?: () => string | null;
  /** express's `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For/-Proto to believe (client address, TLS). */
  trustProxy?: boolean | number | string;
  /** Sign-in through a central sign-on (OIDC_*); absent: its routes answer 404. */
  oidc?: OidcSettings | null;
  /** The reuse API's rate limit and signature cache (REUSE_*); absent: the defaults. */
  reuse?: ReuseSettings;
  /** The built web UI (services/web/dist by default), served at `/`. */
  webDir?: string;
  /** HSTS_MAX_AGE_SECONDS: Strict-Transport-Security on answers over TLS; absent: 180 days. */
  hstsMaxAgeSeconds?: number;
  /** AUTH_CACHE_SECONDS: how long a checked bearer key or token is believed (caller-cache.ts); absent or 0: not at all. */
  authCacheSeconds?: number;
}

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  // First: the request id, the access log line and the latency by route for every answer, errors and 404s included.
  app.use(observeRequests(app, deps.log));
  app.use(securityHeaders({ hstsMaxAgeSeconds: deps.hstsMaxAgeSeconds }));

  const dependencies = async () => {
    const checks = await Promise.allSettled([deps.db.query('SELECT 1'), deps.queue.ping(), deps.store.ping()]);
    const [database, queue, objectStore] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : String(c.reason?.message ?? c.reason)));
    return { ok: checks.every((c) => c.status === 'fulfilled'), database, queue, objectStore };
  };
  // Liveness: the process and what it depends on answer.
  app.get('/healthz', async (_req, res) => {
    const { ok, ...checks } = await dependencies();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', ...checks });
  });
  // Readiness: migrations and the first start (catalog, unit, certificate, data/credentials.json) are done too.
  app.get('/readyz', async (_req, res) => {
    const reason = deps.notReady?.() ?? null;
    if (reason) return void res.status(503).json({ status: 'starting', reason });
    const { ok, ...checks } = await dependencies();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', ...checks });
  });

  // The API's description is public (openapi.routes.ts says why): mounted before the token check.
  app.use(openApiRoutes());

  const api = express.Router();
  api.use(sessionRoutes(deps)); // POST /session is open to anyone; its other routes authenticate themselves
  api.use(oidcRoutes(deps)); // open to anyone too: the way to a session through the central sign-on
  const callers = callerCache({ seconds: deps.authCacheSeconds ?? 0 });
  api.use(authenticate({ db: deps.db, callers }));

  // Order matters: the dossier router's JSON body parser serves every router mounted after it, and none before it
  // (POST /batches is multipart).
  api.use(batchRoutes(deps));
  api.use(searchRoutes(deps)); // GET /records (the list) beside /records/:id: distinct paths, no order between them
  api.use(recordRoutes(deps));
  api.use(dossierRoutes(deps));
  api.use(catalogRoutes(deps));
  api.use(auditRoutes(deps));
  api.use(descriptionRoutes(deps));
  api.use(exportRoutes(deps));
  api.use(accountRoutes({ ...deps, callers }));
  api.use(holdRoutes(deps));
  api.use(dispositionRoutes(deps));
  api.use(fixityRoutes(deps));
  api.use(reportRoutes(deps));
  api.use(webhookRoutes({ db: deps.db, allowPrivate: deps.signing?.outbound?.allowPrivate === true }));
  if (deps.signing) api.use(certificateRoutes({ db: deps.db, signing: deps.signing }));
  if (deps.signing) api.use(reuseRoutes({ db: deps.db, store: deps.store, signing: deps.signing, reuse: deps.reuse })); // signature statuses need the trust anchors
  app.use('/api/v1', api);
  app.use(webUi(deps.webDir)); // the web UI's files at `/`, after the API: /api/* never reaches it
  app.use((_req, _res, next) => next(new AppError('not-found', 'no such route', 404)));
  app.use(errorHandler(deps.log, { maxUploadBytes: deps.maxUploadBytes }));
  return app;
}

