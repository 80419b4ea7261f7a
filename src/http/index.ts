export { createApp, type ApiDeps } from './app.ts';
export { authenticate, createApiToken, hashToken } from './auth.ts';
export { setSessionCookie } from './session.routes.ts';
export { sweepSpool } from './upload-spool.ts';
