import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '@sohoa/shared';
import { startEmbeddedPostgres, startEmbeddedS3, type EmbeddedPostgresHandle, type EmbeddedS3Handle } from '@sohoa/embedded';

/** A PostgreSQL and an S3 endpoint owned by the test (not by sohoa), so the test can stop them under a running sohoa. */
export interface OwnServices { dataDir: string; postgres: EmbeddedPostgresHandle; s3: EmbeddedS3Handle; db: Db }

export async function startOwnServices(prefix: string): Promise<OwnServices> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dataDir, 0o711); // the postgres user walks through it to its cluster
  const postgres = await startEmbeddedPostgres(path.join(dataDir, 'services', 'postgres'), () => {});
  const s3 = await startEmbeddedS3(path.join(dataDir, 'services', 's3'));
  return { dataDir, postgres, s3, db: createDb(postgres.databaseUrl, 2) };
}

/** Stops what is running now (a test may have restarted either service) and removes the folder. */
export async function stopOwnServices(services: Partial<OwnServices>): Promise<void> {
  await services.db?.end();
  await services.s3?.stop().catch(() => {});
  await services.postgres?.stop().catch(() => {});
  if (services.dataDir) await fs.rm(services.dataDir, { recursive: true, force: true });
}
