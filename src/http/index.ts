export { createApp, type ApiDeps } from './app.ts';
export { createApiToken, hashToken } from './auth.ts';
export { sweepSpool } from './upload-spool.ts';
