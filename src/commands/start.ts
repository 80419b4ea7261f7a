import { createLogger, isConnectionLoss, loadConfig, ConfigError, type Logger } from '@sohoa/shared';
import { startRuntime, type Runtime } from '../runtime.ts';

/** `sohoa start`: the whole pipeline in one process; Ctrl-C stops it cleanly (PostgreSQL included). */
export async function runStart(): Promise<number> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await startRuntime(config, log, { http: true, workers: config.runWorkers, inbox: true });
  try {
    const result = await runtime.firstStart();
    const lines = [
      `sohoa is running on ${runtime.url}`,
      `  PostgreSQL:   ${runtime.embedded.postgres ? `embedded (${config.dataDir}/postgres)` : 'DATABASE_URL'}`,
      `  object store: ${runtime.embedded.s3 ? `embedded S3 endpoint (${config.dataDir}/s3)` : config.s3.endpoint}, bucket ${config.s3.bucket}${runtime.store.objectLock ? ' (object lock)' : ''}`,
      `  workers:      ${config.runWorkers ? `${config.ocr.workers} OCR worker(s)` : 'off'}`,
      `  hot folder:   ${config.inboxDir}/<unit code>/[<procedure code>/]`,
      `  quarantine:   object store quarantine/ (GET /api/v1/quarantine)`,
      runtime.metricsUrl ? `  metrics:      ${runtime.metricsUrl}${config.metrics?.token ? ' (bearer METRICS_TOKEN)' : ''}` : '',
      `  API token:    ${result.credentialsFile}${result.tokenCreated ? ' (new)' : ''}`,
      result.adminCreated ? `  first start:  admin person "${result.adminCreated}" created; its password is in ${result.credentialsFile}` : '',
      result.catalogImported ? '  first start:  sample procedure catalog imported' : '',
      result.unitCreated ? '  first start:  demo unit 000.00.00.H00 "UBND phường Mẫu" created' : '',
      result.certificate ? `  first start:  development CA and unit certificate in ${config.pkiDir}` : '',
      'Press Ctrl-C to stop.',
    ];
    console.log(lines.filter(Boolean).join('\n'));
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  return waitForSignal(runtime, log);
}

/** `sohoa worker`: pipeline workers only, for scaling out on more machines against one PostgreSQL and S3. */
export async function runWorker(): Promise<number> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.s3.endpoint) throw new ConfigError('a worker joins a shared deployment: set DATABASE_URL and S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY');
  const log = createLogger(config.logLevel);
  const runtime = await startRuntime(config, log, { http: false, workers: true, inbox: false });
  console.log(`sohoa worker running with ${config.ocr.workers} OCR worker(s)${runtime.metricsUrl ? `, metrics on ${runtime.metricsUrl}` : ''}. Press Ctrl-C to stop.`);
  return waitForSignal(runtime, log);
}

function waitForSignal(runtime: Runtime, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping…`);
      await runtime.stop();
      console.log('stopped.');
      resolve(0);
    };
    // pg-boss 10 completes and fails jobs without awaiting it: a PostgreSQL restart at that moment surfaces here.
    // The job stays active and comes back by its expiry or the heartbeat sweep, so the process lives on; anything
    // else is a bug and ends it (a supervisor restarts it).
    process.on('unhandledRejection', (err) => {
      if (isConnectionLoss(err)) return void log.warn({ err: String(err) }, 'database connection lost in the background; the queue recovers');
      log.fatal({ err }, 'unhandled rejection');
      process.exit(1);
    });
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
}
