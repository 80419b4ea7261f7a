import path from 'node:path';
import os from 'node:os';
import { z } from 'zod';

/**
 * SIGNING_KEY_ENCRYPTION_KEY: 32 bytes, as 64 hex digits or as base64. Hex is tried first: 64 hex digits
 * are also valid base64, of 48 bytes. Returns null for anything else.
 */
export function parseKeyEncryptionKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 ? bytes : null;
}

/** The page threads' memory bound per OCR worker when OCR_PAGE_MEMORY_MB is not set (0.45 GB a worker measured in all). */
const PAGE_MEMORY_MB_PER_WORKER = 300;

/**
 * All settings, parsed once at start-up. Absent DATABASE_URL / S3_ENDPOINT mean "embedded default":
 * the launcher starts PostgreSQL and an S3 endpoint itself and fills these in.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().url().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY: z.string().optional(),
  S3_SECRET_KEY: z.string().optional(),
  S3_BUCKET: z.string().min(3).default('sohoa'),
  S3_REGION: z.string().default('us-east-1'),
  /** Scratch objects (work/…, quarantine/…) live here, without a lock; S3_BUCKET keeps the records. */
  S3_SCRATCH_BUCKET: z.string().min(3).default('sohoa-scratch'),
  /** S3 Object Lock calls on record versions: auto = when the records bucket reports Object Lock enabled. */
  S3_OBJECT_LOCK: z.enum(['auto', 'on', 'off']).default('auto'),
  /** Object Lock mode of fixed-term records (permanent ones are always compliance). */
  S3_LOCK_MODE_FIXED_TERM: z.enum(['governance', 'compliance']).default('governance'),
  /** A permanent record's lock reaches this many years ahead (S3 needs a date; it is only ever extended). */
  S3_LOCK_PERMANENT_YEARS: z.coerce.number().int().min(1).max(1000).default(100),
  OCR_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.max(1, os.availableParallelism())),
  /** '+'-joined tesseract languages. Vietnamese alone reads Vietnamese papers best (bench/results/ocr.md) and
   * covers the Latin alphabet; 'vie+eng' helps papers mostly in English. */
  OCR_LANGUAGES: z.string().regex(/^(vie|eng)(\+(vie|eng))*$/, 'languages shipped: vie, eng, joined with +').default('vie'),
  /** A page whose mean word confidence is below this is flagged to the clerk. */
  OCR_REVIEW_CONFIDENCE: z.coerce.number().min(0).max(100).default(80),
  OCR_RECYCLE_AFTER_PAGES: z.coerce.number().int().min(1).default(50),
  /**
   * Niceness of the threads that read scans, clean pages, run tesseract, assemble PDFs and map ink for signatures
   * (Linux, per thread; 0: off). With OCR keeping every core busy, the API's event loop is then scheduled first, so
   * status reads stay quick.
   */
  OCR_THREAD_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * Resident memory of the process (MB) at and above which the page threads clean, encode and read codes on one page
   * at a time instead of one each, so two pages' rasters are not held at once (services/ocr/src/threads/memory-gate.ts).
   * 0: never held back. Unset: 300 MB per OCR worker (600 for the default two), so a replica with more workers,
   * which is larger by design, is not held to one page at a time.
   */
  OCR_PAGE_MEMORY_MB: z.coerce.number().int().min(0).optional(),
  /** A scan-reading thread (MuPDF, its WebAssembly memory grown by the last file) ends after this long without a file. */
  SCAN_THREAD_IDLE_MS: z.coerce.number().int().min(0).default(5000),
  /** A document the clerk confirms is built this long after: the time she has to take it back (Ctrl+Z) before it is. */
  REVIEW_UNDO_SECONDS: z.coerce.number().int().min(0).max(600).default(10),
  /**
   * How long a checked bearer key or token is believed without asking the database again (0: every request asks).
   * A key revoked or expired elsewhere (the CLI, another process) stops working within this many seconds.
   */
  AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /** Connections of the API's and workers' PostgreSQL pool (pg-boss has its own). */
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  /** A job not finished after this long is failed and retried (pg-boss expiry): the last resort for a hung worker. */
  JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(5).default(600),
  /** A worker process whose heartbeat is older than this is dead: the jobs it held are retried at once. */
  WORKER_DEAD_SECONDS: z.coerce.number().int().min(5).default(20),
  QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * Webhook deliveries (pg-boss retries with backoff): retry k waits DELAY·2^(k-1) to twice that. The defaults, 14
   * retries from 5 s, keep trying for 23 to 45 hours, so a receiver down for a day still gets every event.
   */
  WEBHOOK_RETRY_LIMIT: z.coerce.number().int().min(0).default(14),
  WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).default(5),
  /** How long one delivery waits for the receiver's answer. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** How often the relay looks for new events in the outbox. */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(50).default(1000),
  INBOX_POLL_MS: z.coerce.number().int().min(100).default(2000),
  /** A file in the inbox is taken only once its size has not changed for this long (scanner still writing). */
  INBOX_SETTLE_MS: z.coerce.number().int().min(0).default(1500),
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(200 * 1024 * 1024),
  MAX_PAGE_PIXELS: z.coerce.number().int().min(1).default(100_000_000),
  /**
   * Back-pressure: with more files and pages than this waiting to be read, a unit that has some of them waiting gets
   * 429 (Retry-After) for its uploads, and the hot folder leaves its files until the queue has drained (shared/src/intake.ts).
   */
  INTAKE_QUEUE_LIMIT: z.coerce.number().int().min(1).default(2000),
  INTAKE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Prometheus metrics (GET /metrics) on this port of every process, API and workers alike; unset: none. 0: any free port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** When set, a scrape must send it as `Authorization: Bearer …`. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SOHOA_WORKERS: z.enum(['on', 'off']).default('on'),
  /**
   * express's `trust proxy`: unset = trust no proxy; `true`, a hop count, or addresses/subnets (`loopback`,
   * `10.0.0.1`, …). Behind a TLS proxy it makes session cookies Secure and rate limits see the client's address.
   */
  TRUST_PROXY: z.string().optional(),
  /**
   * OpenID Connect sign-in through a province's central sign-on: on when the issuer, client id and secret are given
   * (all three, and the redirect URL registered at the provider).
   */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The callback as the browser reaches it: https://sohoa.example.gov.vn/api/v1/session/oidc/callback. */
  OIDC_REDIRECT_URL: z.string().url().optional(),
  OIDC_SCOPES: z.string().default('openid profile email'),
  /** Claims (of the ID token or the userinfo answer) naming the person's unit (its agency code) and sohoa roles. */
  OIDC_UNIT_CLAIM: z.string().min(1).default('sohoa_unit'),
  OIDC_ROLES_CLAIM: z.string().min(1).default('sohoa_roles'),
  OIDC_USERNAME_CLAIM: z.string().min(1).default('preferred_username'),
  /** RFC 3161 time-stamp authority: records are signed PAdES B-T when set. */
  TSA_URL: z.string().url().optional(),
  /** Trusted CA certificates (*.pem/*.crt/*.cer) and CRLs (*.crl); default <DATA_DIR>/pki/trust. */
  TRUST_ANCHORS_DIR: z.string().optional(),
  CERTIFICATE_EXPIRY_WARNING_DAYS: z.coerce.number().int().min(0).default(30),
  /**
   * Verification may go online for revocation: ask the OCSP responder (the certificate's or OCSP_URL) and
   * fetch the CRL at its distribution point. Off: nobody is asked; only the CRLs in TRUST_ANCHORS_DIR answer.
   */
  REVOCATION_FETCH: z.enum(['on', 'off']).default('on'),
  /**
   * On: a signature whose revocation status is unknown (responder down, "unknown" answer, fetching off) still
   * counts as valid, and the report says revocation was not checked. Off: it is not valid.
   */
  REVOCATION_SOFT_FAIL: z.enum(['on', 'off']).default('off'),
  /** When fixity re-reads every record (cron, in FIXITY_TIMEZONE); 'off': only when asked (sohoa fixity). */
  FIXITY_CRON: z.string().default('0 2 * * *'),
  FIXITY_TIMEZONE: z.string().default('Asia/Ho_Chi_Minh'),
  /** Throttle of a fixity run (0: none), so the nightly walk leaves the object store to the counters. */
  FIXITY_MAX_BYTES_PER_SECOND: z.coerce.number().int().min(0).default(32 * 1024 * 1024),
  FIXITY_MAX_OBJECTS_PER_SECOND: z.coerce.number().min(0).default(0),
  /** A fixity job works this long, then queues the next slice of its run. */
  FIXITY_SLICE_SECONDS: z.coerce.number().int().min(1).default(120),
  /** Larger objects are hashed but their signatures are not checked (the check needs the whole PDF in memory). */
  FIXITY_SIGNATURE_MAX_BYTES: z.coerce.number().int().min(0).default(256 * 1024 * 1024),
  /**
   * Long-term validation: when the record.extend job looks for records to extend to PAdES B-LTA or to re-time-stamp
   * (cron, in FIXITY_TIMEZONE; only when TSA_URL is set); 'off': never.
   */
  LTV_CRON: z.string().default('30 3 * * *'),
  /** A record's last time-stamp is renewed this many days before its authority's certificate expires. */
  LTV_RENEW_MARGIN_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Reuse API (GET /api/v1/reuse/…): requests one API key (or person) may make per window, across every API process. */
  REUSE_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
  REUSE_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** A record's signature status, verified for a reuse lookup, is kept this long per record and object SHA-256 (0: verified every time). */
  REUSE_SIGNATURE_CACHE_SECONDS: z.coerce.number().int().min(0).default(300),
  /** An OCSP responder to ask instead of the one named in the certificates (e.g. a relay inside the network). */
  OCSP_URL: z.string().url().optional(),
  /**
   * Fetches a certificate can cause (its OCSP responder, its CRL) and webhook deliveries: a loopback, private or
   * link-local address is asked only when on (a test PKI or receiver on this machine, a CA inside the network);
   * OCSP_URL is always asked.
   */
  OUTBOUND_ALLOW_PRIVATE: z.enum(['on', 'off']).default('off'),
  /** One such fetch, connection, redirects and body, within this long. */
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  /** Largest answer read (a CRL of a large CA is a few MB); a longer one is dropped as it arrives. */
  OUTBOUND_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  OUTBOUND_MAX_REDIRECTS: z.coerce.number().int().min(0).max(10).default(3),
  /**
   * Server-side files an admin may name when importing a certificate (p12Path, passwordFile, sealPath): only under
   * this folder. Default <DATA_DIR>/pki, where the embedded first start puts the unit's certificate.
   */
  SECRETS_DIR: z.string().optional(),
  /** Total pixels of all pages of one file (a 98 KB TIFF can claim ten 100-megapixel pages): about 69 A4 pages at 300 dpi in colour. */
  MAX_FILE_PIXELS: z.coerce.number().int().min(1).default(600_000_000),
  /** HSTS (Strict-Transport-Security) on answers to requests that came over TLS (directly or, with TRUST_PROXY, via the proxy). */
  HSTS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(15_552_000),
  /**
   * AES-256 key that seals uploaded PKCS#12 files and their passwords in the database (32 bytes, base64 or hex).
   * Absent: <DATA_DIR>/signing-key-encryption.key, which the embedded first start creates.
   */
  SIGNING_KEY_ENCRYPTION_KEY: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return undefined;
      const key = parseKeyEncryptionKey(value);
      if (!key) context.addIssue({ code: 'custom', message: '32 bytes, as base64 (openssl rand -base64 32) or 64 hex digits' });
      return key ?? undefined;
    }),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  inboxDir: string;
  /** Uploaded files wait here (on this machine's disk) until they are in the object store. */
  spoolDir: string;
  pkiDir: string;
  databaseUrl?: string;
  s3: {
    endpoint?: string; accessKey?: string; secretKey?: string; bucket: string; region: string; scratchBucket: string;
    objectLock: 'auto' | 'on' | 'off'; lock: { fixedTermMode: 'GOVERNANCE' | 'COMPLIANCE'; permanentYears: number };
  };
  ocr: { workers: number; recycleAfterPages: number; languages: string[]; reviewConfidence: number; threadNice: number; pageMemoryMb: number; scanThreadIdleMs: number };
  review: { undoSeconds: number };
  auth: { cacheSeconds: number };
  dbPoolSize: number;
  queue: { jobTimeoutSeconds: number; maintenanceSeconds: number; deadWorkerSeconds: number };
  inbox: { pollMs: number; settleMs: number };
  webhooks: { retryLimit: number; retryDelaySeconds: number; timeoutMs: number; pollMs: number };
  limits: { maxUploadBytes: number; maxPagePixels: number; maxFilePixels: number };
  /** Seconds of HSTS on answers over TLS; 0: none. */
  hstsMaxAgeSeconds: number;
  intake: { queueLimit: number; retryAfterSeconds: number };
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** The metrics server (shared/src/metrics.ts), or null when METRICS_PORT is unset. */
  metrics: { port: number; host: string; token?: string } | null;
  runWorkers: boolean;
  trustProxy: boolean | number | string;
  /** OpenID Connect sign-in, or null when not configured. */
  oidc: OidcSettings | null;
  fixity: {
    /** null: no schedule. */
    cron: string | null;
    timezone: string;
    maxBytesPerSecond: number;
    maxObjectsPerSecond: number;
    sliceSeconds: number;
    signatureMaxBytes: number;
  };
  reuse: { rateLimit: number; rateWindowSeconds: number; signatureCacheSeconds: number };
  ltv: {
    /** null: no schedule (LTV_CRON=off, or no TSA_URL to time-stamp with). */
    cron: string | null;
    timezone: string;
    renewMarginDays: number;
  };
  signing: {
    tsaUrl?: string;
    trustAnchorsDir: string;
    expiryWarningDays: number;
    fetchRevocation: boolean;
    revocationSoftFail: boolean;
    ocspUrl?: string;
    /** OUTBOUND_*: limits of the fetches certificates cause (allowPrivate and maxBytes also of webhook deliveries). */
    outbound: { timeoutMs: number; maxBytes: number; maxRedirects: number; allowPrivate: boolean };
    /** SECRETS_DIR: the only folder an import may name files in. */
    secretsDir: string;
    /** SIGNING_KEY_ENCRYPTION_KEY, when set; else the runtime reads (or, embedded, creates) keyEncryptionKeyFile. */
    keyEncryptionKey?: Buffer;
    keyEncryptionKeyFile: string;
  };
}

export class ConfigError extends Error {}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: ends with OIDC_CALLBACK_PATH (a proxy may put a prefix before it). */
  redirectUrl: string;
  scopes: string;
  /** Claim names: a name is looked up as it is, then as a dotted path into nested objects (`realm_access.roles`). */
  claims: { unit: string; roles: string; username: string };
}

export const OIDC_CALLBACK_PATH = '/api/v1/session/oidc/callback';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** All of issuer, client id and secret, or none; the redirect URL with them; https, except on this machine (a test). */
function parseOidc(e: z.infer<typeof EnvSchema>): OidcSettings | null {
  const given = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (given.every((v) => v === undefined)) return null;
  if (given.some((v) => v === undefined)) throw new ConfigError('OpenID Connect: set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none');
  if (!e.OIDC_REDIRECT_URL) throw new ConfigError(`OpenID Connect: OIDC_REDIRECT_URL is required (the public URL of ${OIDC_CALLBACK_PATH}, as registered at the provider)`);
  for (const [name, value] of [['OIDC_ISSUER', e.OIDC_ISSUER!], ['OIDC_REDIRECT_URL', e.OIDC_REDIRECT_URL]] as const) {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) throw new ConfigError(`${name}: an https URL (http only for localhost)`);
  }
  const redirect = new URL(e.OIDC_REDIRECT_URL);
  if (!redirect.pathname.endsWith(OIDC_CALLBACK_PATH) || redirect.search || redirect.hash) throw new ConfigError(`OIDC_REDIRECT_URL: must end with ${OIDC_CALLBACK_PATH}`);
  const scopes = e.OIDC_SCOPES.split(/\s+/).filter(Boolean);
  if (!scopes.includes('openid')) throw new ConfigError('OIDC_SCOPES: must include openid');
  return {
    issuer: e.OIDC_ISSUER!, clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET!, redirectUrl: redirect.href, scopes: scopes.join(' '),
    claims: { unit: e.OIDC_UNIT_CLAIM, roles: e.OIDC_ROLES_CLAIM, username: e.OIDC_USERNAME_CLAIM },
  };
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  const v = value?.trim();
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  return /^\d+$/.test(v) ? Number(v) : v;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.S3_ENDPOINT && (!e.S3_ACCESS_KEY || !e.S3_SECRET_KEY)) {
    throw new ConfigError('S3_ENDPOINT is set: S3_ACCESS_KEY and S3_SECRET_KEY are required too');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    inboxDir: path.join(dataDir, 'inbox'),
    spoolDir: path.join(dataDir, 'tmp', 'uploads'),
    pkiDir: path.join(dataDir, 'pki'),
    databaseUrl: e.DATABASE_URL,
    s3: {
      endpoint: e.S3_ENDPOINT, accessKey: e.S3_ACCESS_KEY, secretKey: e.S3_SECRET_KEY, bucket: e.S3_BUCKET, region: e.S3_REGION,
      scratchBucket: e.S3_SCRATCH_BUCKET, objectLock: e.S3_OBJECT_LOCK,
      lock: { fixedTermMode: e.S3_LOCK_MODE_FIXED_TERM === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE', permanentYears: e.S3_LOCK_PERMANENT_YEARS },
    },
    ocr: { workers: e.OCR_WORKERS, recycleAfterPages: e.OCR_RECYCLE_AFTER_PAGES, languages: e.OCR_LANGUAGES.split('+'), reviewConfidence: e.OCR_REVIEW_CONFIDENCE, threadNice: e.OCR_THREAD_NICE, pageMemoryMb: e.OCR_PAGE_MEMORY_MB ?? PAGE_MEMORY_MB_PER_WORKER * e.OCR_WORKERS, scanThreadIdleMs: e.SCAN_THREAD_IDLE_MS },
    review: { undoSeconds: e.REVIEW_UNDO_SECONDS },
    auth: { cacheSeconds: e.AUTH_CACHE_SECONDS },
    dbPoolSize: e.DB_POOL_SIZE,
    queue: { jobTimeoutSeconds: e.JOB_TIMEOUT_SECONDS, maintenanceSeconds: e.QUEUE_MAINTENANCE_SECONDS, deadWorkerSeconds: e.WORKER_DEAD_SECONDS },
    inbox: { pollMs: e.INBOX_POLL_MS, settleMs: e.INBOX_SETTLE_MS },
    webhooks: { retryLimit: e.WEBHOOK_RETRY_LIMIT, retryDelaySeconds: e.WEBHOOK_RETRY_DELAY_SECONDS, timeoutMs: e.WEBHOOK_TIMEOUT_MS, pollMs: e.WEBHOOK_POLL_MS },
    limits: { maxUploadBytes: e.MAX_UPLOAD_BYTES, maxPagePixels: e.MAX_PAGE_PIXELS, maxFilePixels: e.MAX_FILE_PIXELS },
    hstsMaxAgeSeconds: e.HSTS_MAX_AGE_SECONDS,
    intake: { queueLimit: e.INTAKE_QUEUE_LIMIT, retryAfterSeconds: e.INTAKE_RETRY_AFTER_SECONDS },
    logLevel: e.LOG_LEVEL,
    metrics: e.METRICS_PORT === undefined ? null : { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN },
    runWorkers: e.SOHOA_WORKERS === 'on',
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    oidc: parseOidc(e),
    fixity: {
      cron: e.FIXITY_CRON === 'off' ? null : e.FIXITY_CRON,
      timezone: e.FIXITY_TIMEZONE,
      maxBytesPerSecond: e.FIXITY_MAX_BYTES_PER_SECOND,
      maxObjectsPerSecond: e.FIXITY_MAX_OBJECTS_PER_SECOND,
      sliceSeconds: Math.min(e.FIXITY_SLICE_SECONDS, Math.floor(e.JOB_TIMEOUT_SECONDS / 2)),
      signatureMaxBytes: e.FIXITY_SIGNATURE_MAX_BYTES,
    },
    reuse: { rateLimit: e.REUSE_RATE_LIMIT, rateWindowSeconds: e.REUSE_RATE_WINDOW_SECONDS, signatureCacheSeconds: e.REUSE_SIGNATURE_CACHE_SECONDS },
    ltv: {
      cron: e.LTV_CRON === 'off' || !e.TSA_URL ? null : e.LTV_CRON,
      timezone: e.FIXITY_TIMEZONE,
      renewMarginDays: e.LTV_RENEW_MARGIN_DAYS,
    },
    signing: {
      tsaUrl: e.TSA_URL,
      trustAnchorsDir: path.resolve(e.TRUST_ANCHORS_DIR ?? path.join(dataDir, 'pki', 'trust')),
      expiryWarningDays: e.CERTIFICATE_EXPIRY_WARNING_DAYS,
      fetchRevocation: e.REVOCATION_FETCH === 'on',
      revocationSoftFail: e.REVOCATION_SOFT_FAIL === 'on',
      ocspUrl: e.OCSP_URL,
      outbound: { timeoutMs: e.OUTBOUND_TIMEOUT_MS, maxBytes: e.OUTBOUND_MAX_BYTES, maxRedirects: e.OUTBOUND_MAX_REDIRECTS, allowPrivate: e.OUTBOUND_ALLOW_PRIVATE === 'on' },
      secretsDir: path.resolve(e.SECRETS_DIR ?? path.join(dataDir, 'pki')),
      keyEncryptionKey: e.SIGNING_KEY_ENCRYPTION_KEY,
      keyEncryptionKeyFile: path.join(dataDir, 'signing-key-encryption.key'),
    },
  };
}
