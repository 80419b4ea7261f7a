export { createApp, type ApiDeps } from './app.ts';
export { authenticate, createApiToken, hashToken, requirePurpose } from './auth.ts';
export { setSessionCookie } from './session.routes.ts';
export { sweepSpool } from './upload-spool.ts';
