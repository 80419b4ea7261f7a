import path from 'node:path';
import { startEmbeddedPostgres } from './postgres.ts';
import { startEmbeddedS3 } from './s3.ts';

export { freePort } from './ports.ts';
export { runningEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './postgres.ts';
export { startEmbeddedS3, type EmbeddedS3Handle } from './s3.ts';

export interface EmbeddedStack {
  databaseUrl: string;
  s3: { endpoint: string; accessKey: string; secretKey: string };
  stop(): Promise<void>;
}

/** PostgreSQL and S3 for a machine with nothing installed; data under `dataDir`. */
export async function startEmbeddedStack(dataDir: string, log: (line: string) => void = () => {}): Promise<EmbeddedStack> {
  const postgres = await startEmbeddedPostgres(path.join(dataDir, 'postgres'), log);
  try {
    const s3 = await startEmbeddedS3(path.join(dataDir, 's3'));
    return {
      databaseUrl: postgres.databaseUrl,
      s3,
      async stop() {
        await s3.stop().catch(() => {});
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}
