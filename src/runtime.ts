import path from 'node:path';
import type { Server } from 'node:http';
import { connectObjectStore, createDb, intakeGate, lowerThreadsNamed, migrate, Queue, startAuditSweep, startMetricsServer, type Config, type Db, type Logger, type ObjectStore } from '@sohoa/shared';
import { startEmbeddedPostgres, startEmbeddedS3 } from '@sohoa/embedded';
import { splitFileJob, watchInbox } from '@sohoa/ingest';
import { createOcrEngine, type OcrEngine } from '@sohoa/ocr';
import { buildDocumentJob, ocrPageJob } from '@sohoa/ocr/jobs';
import { splitBatchJob } from '@sohoa/matching/jobs';
import { createKeyTransports, loadKeyEncryptionKey, setInkThreadNice, setSignThreadNice } from '@sohoa/signer';
import { signDocumentJob } from '@sohoa/signer/jobs';
import { archiveRecordJob, auditHeadJob, AUDIT_HEAD_CRON, dispositionExecuteJob, dispositionScanJob, exportBagJob, fixity, reclassifyRecordJob, recordExtendJob, recordObjectGuard, type LtvSettings } from '@sohoa/archive-api';
import { deliverWebhookJob, startRelay } from '@sohoa/webhooks';
import { createApp, sweepSpool } from './http/index.ts';
import { bootstrap, type BootstrapResult } from './bootstrap.ts';

/** What a fixity run needs from the settings (the job and the API's requested runs alike). */
export function fixitySettings(config: Config): fixity.FixitySettings {
  return {
    limits: { bytesPerSecond: config.fixity.maxBytesPerSecond, objectsPerSecond: config.fixity.maxObjectsPerSecond },
    sliceSeconds: config.fixity.sliceSeconds,
    signatureCheckMaxBytes: config.fixity.signatureMaxBytes,
    trust: { trustAnchorsDir: config.signing.trustAnchorsDir, extraAnchorFiles: [path.join(config.pkiDir, 'ca.pem')] },
  };
}

/** What long-term validation of records needs from the settings. */
export function ltvSettings(config: Config): LtvSettings {
  return {
    tsaUrl: config.signing.tsaUrl,
    renewMarginDays: config.ltv.renewMarginDays,
    trust: { trustAnchorsDir: config.signing.trustAnchorsDir, extraAnchorFiles: [path.join(config.pkiDir, 'ca.pem')] },
    ocspUrl: config.signing.ocspUrl,
    outbound: config.signing.outbound,
    lock: config.s3.lock,
  };
}

/**
 * `webhooks`: the webhook relay and deliveries without the rest of the workers (a test's, with no OCR engine);
 * `workers` runs them anyway.
 */
export interface RuntimeParts { http: boolean; workers: boolean; inbox: boolean; webhooks?: boolean }

export interface Runtime {
  config: Config;
  db: Db;
  store: ObjectStore;
  queue: Queue;
  databaseUrl: string;
  embedded: { postgres: boolean; s3: boolean };
  url?: string;
  /** This process's Prometheus metrics (`…/metrics`), when METRICS_PORT is set. */
  metricsUrl?: string;
  /** The first-start bootstrap (safe on every start); /readyz answers 200 only once it has run. */
  firstStart(): Promise<BootstrapResult>;
  stop(): Promise<void>;
}

/**
 * Starts what a process runs: the embedded PostgreSQL / S3 where no DATABASE_URL / S3_ENDPOINT is given,
 * then the queue, the pipeline workers, the HTTP API and the hot folder, each optional.
 */
export async function startRuntime(config: Config, log: Logger, parts: RuntimeParts): Promise<Runtime> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => log.warn({ err }, 'stopping failed'));
    cleanups.length = 0;
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), (line) => log.info(line));
      cleanups.push(() => pg.stop());
      databaseUrl = pg.databaseUrl;
    }
    let s3 = config.s3.endpoint ? { endpoint: config.s3.endpoint, accessKey: config.s3.accessKey!, secretKey: config.s3.secretKey! } : null;
    if (!s3) {
      const embedded = await startEmbeddedS3(path.join(config.dataDir, 's3'));
      if (embedded.setAside.length) log.warn({ objects: embedded.setAside, to: 's3-damaged/' }, 'objects left unreadable by an interrupted write were set aside');
      cleanups.push(() => embedded.stop());
      s3 = embedded;
    }
    await migrate(databaseUrl, (msg) => log.debug(msg));
    const db = createDb(databaseUrl, config.dbPoolSize);
    cleanups.push(() => db.end());
    // Audit rows committed while another commit held the chain wait to be linked: this links this process's within
    // a second, and asks nothing while the process writes no audit rows.
    const stopAuditSweep = startAuditSweep(db, { onError: (err) => log.warn({ err }, 'linking waiting audit rows failed') });
    cleanups.push(async () => stopAuditSweep());
    const store = await connectObjectStore({ ...s3, bucket: config.s3.bucket, region: config.s3.region, scratchBucket: config.s3.scratchBucket, objectLock: config.s3.objectLock });
    // Every write or removal of a record's object, on any path, asks the record guard first (retention, holds).
    store.guardRecords(recordObjectGuard(db));
    // The key that seals uploaded certificates: the setting, else the data folder's file, which the embedded
    // default creates on first start. Without one, path imports still sign and uploads are refused.
    const keyEncryption = await loadKeyEncryptionKey({ configured: config.signing.keyEncryptionKey, file: config.signing.keyEncryptionKeyFile, create: !config.databaseUrl });
    if (keyEncryption.source === 'created') log.info({ file: config.signing.keyEncryptionKeyFile }, 'key for sealing uploaded certificates created');
    if (keyEncryption.source === 'none') log.warn('SIGNING_KEY_ENCRYPTION_KEY is not set: certificates cannot be uploaded, nor uploaded ones opened here');
    const keys = createKeyTransports({ keyEncryptionKey: keyEncryption.key });
    // On the embedded default no other process works this database: jobs active at start-up were a dead process's.
    const queue = await Queue.start({
      databaseUrl, ...config.queue, soleWorker: !config.databaseUrl,
      retryOf: { 'webhook.deliver': { limit: config.webhooks.retryLimit, delaySeconds: config.webhooks.retryDelaySeconds } },
    }, log);
    cleanups.push(() => queue.stop());
    // Every process serves its own metrics (a worker has no API): its counters, and the queues as the database has them.
    const metricsServer = config.metrics ? await startMetricsServer({ ...config.metrics, db }) : null;
    if (metricsServer) cleanups.push(() => metricsServer.close());
    const deliverWebhook = deliverWebhookJob({
      db, settings: { timeoutMs: config.webhooks.timeoutMs, budgetMs: config.queue.jobTimeoutSeconds * 500, allowPrivate: config.signing.outbound.allowPrivate, maxBytes: config.signing.outbound.maxBytes },
    });

    if (parts.workers) {
      const engine: OcrEngine = await createOcrEngine({
        workers: config.ocr.workers, recycleAfterPages: config.ocr.recycleAfterPages, languages: config.ocr.languages, reviewConfidence: config.ocr.reviewConfidence,
        threadNice: config.ocr.threadNice, pageMemoryBoundMb: config.ocr.pageMemoryMb,
      });
      cleanups.push(() => engine.close());
      setInkThreadNice(config.ocr.threadNice); // signing maps page 1's ink in a thread, lowered as the OCR threads are
      setSignThreadNice(config.ocr.threadNice); // and reads, updates and seals the PDF in another
      const vips = lowerThreadsNamed('libvips worker', config.ocr.threadNice);
      cleanups.push(async () => vips.stop());
      const deps = { db, store, queue };
      await queue.work(
        {
          'ingest.file': splitFileJob({ ...deps, maxPagePixels: config.limits.maxPagePixels, maxFilePixels: config.limits.maxFilePixels, threadNice: config.ocr.threadNice, scanThreadIdleMs: config.ocr.scanThreadIdleMs }),
          'ocr.page': ocrPageJob({ ...deps, engine }),
          'batch.split': splitBatchJob(deps),
          'document.build': buildDocumentJob({ ...deps, threadNice: config.ocr.threadNice }),
          'document.sign': signDocumentJob({ ...deps, tsaUrl: config.signing.tsaUrl, log, keys }),
          'record.archive': archiveRecordJob({ ...deps, lock: config.s3.lock }),
          'record.reclassify': reclassifyRecordJob({ ...deps, lock: config.s3.lock }),
          'disposition.scan': dispositionScanJob(deps),
          'disposition.execute': dispositionExecuteJob({ ...deps, keys, tsaUrl: config.signing.tsaUrl, lock: config.s3.lock }),
          'audit.head': auditHeadJob(deps),
          'export.bag': exportBagJob(deps),
          'fixity.run': fixity.fixityRunJob({ ...deps, settings: fixitySettings(config) }),
          'record.extend': recordExtendJob({ ...deps, settings: ltvSettings(config) }),
          'webhook.deliver': deliverWebhook,
        },
        // One page more than there are recognizers: its cleanup runs while they read (services/ocr/src/ocr.service.ts).
        { 'ocr.page': config.ocr.workers + 1 },
        log,
      );
      await queue.schedule('audit.head', AUDIT_HEAD_CRON, {});
      await queue.schedule('disposition.scan', '30 1 * * *', {}, 'Asia/Ho_Chi_Minh'); // 01:30 every night, Vietnam time
      await queue.schedule('fixity.run', config.fixity.cron, {}, config.fixity.timezone);
      await queue.schedule('record.extend', config.ltv.cron, {}, config.ltv.timezone); // none without a TSA
    } else if (parts.webhooks) {
      await queue.work({ 'webhook.deliver': deliverWebhook }, {}, log, { only: ['webhook.deliver'] });
    }
    if (parts.workers || parts.webhooks) {
      // The outbox's events become deliveries (stopped before the queue and the database).
      const relay = startRelay({ db, queue, log }, config.webhooks.pollMs);
      cleanups.push(() => relay.stop());
    }
    // One reading of the queue's depth serves the uploads and the hot folder of this process alike.
    const intake = intakeGate(db, config.intake);
    let url: string | undefined;
    let notReady: string | null = 'first start (catalog, demo unit, certificate, API token) not done yet';
    if (parts.http) {
      await sweepSpool(config.spoolDir);
      const app = createApp({
        db, store, queue, log, intake, maxUploadBytes: config.limits.maxUploadBytes, spoolDir: config.spoolDir,
        signing: { ...config.signing, pkiDir: config.pkiDir, keys }, notReady: () => notReady, trustProxy: config.trustProxy, hstsMaxAgeSeconds: config.hstsMaxAgeSeconds,
        oidc: config.oidc, reuse: config.reuse, undoSeconds: config.review.undoSeconds, authCacheSeconds: config.auth.cacheSeconds,
      });
      const server: Server = await new Promise((resolve, reject) => {
        const s = app.listen(config.port, config.host, () => resolve(s));
        s.on('error', reject);
      });
      cleanups.push(() => new Promise((resolve) => server.close(resolve)));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://localhost:${port}`;
    }
    if (parts.inbox) {
      const inbox = watchInbox({ db, store, queue, intake }, { dir: config.inboxDir, pollMs: config.inbox.pollMs, settleMs: config.inbox.settleMs }, log);
      cleanups.push(() => inbox.stop()); // pushed last, so it stops first: no file is taken while the rest stops
    }
    const firstStart = async () => {
      const result = await bootstrap(db, { dataDir: config.dataDir, pkiDir: config.pkiDir, inboxDir: config.inboxDir, url: url ?? '' }, log);
      notReady = null;
      return result;
    };
    return {
      config, db, store, queue, databaseUrl, embedded: { postgres: !config.databaseUrl, s3: !config.s3.endpoint }, url, metricsUrl: metricsServer?.url, firstStart, stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
