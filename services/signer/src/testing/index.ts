/**
 * @sohoa/signer/testing: fixtures for tests and benchmarks, never for production code — a throwaway PKI,
 * a real `openssl ocsp` responder and an `openssl ts` time-stamp authority on loopback.
 */
export * from './pki.ts';
export * from './ocsp.ts';
export * from './tsa.ts';
export * from './scanned-page.ts';
