import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectObjectStore, createDb, type Db, type ObjectStore } from '@sohoa/shared';
import { freePort, startEmbeddedPostgres, startEmbeddedS3, type EmbeddedPostgresHandle, type EmbeddedS3Handle } from '@sohoa/embedded';
import { readCredentials } from '../../src/bootstrap.ts';
import { startS3Proxy, type S3Proxy } from './s3-proxy.ts';
import { spawnSohoa, type SohoaProcess } from './stack.ts';
import { startTcpGate, type TcpGate } from './tcp-gate.ts';

export interface FaultLabOptions {
  /** A job still active after this long is failed and retried (only a kill between fetch and attribution needs it). */
  jobTimeoutSeconds: number;
  /** Silence after which a killed worker's jobs are retried (sohoa here uses the harness's PostgreSQL: not a sole worker). */
  workerDeadSeconds: number;
}

/**
 * PostgreSQL and S3 run in this process, each behind a TCP gate (so the S3 endpoint can go away and PostgreSQL can
 * restart on another port while sohoa keeps one address); `sohoa start` runs as a child that is killed with
 * SIGKILL and started again. Chain to S3: sohoa → gate → S3 proxy (can hold back a record write's answer) → s3rver.
 */
export class FaultLab {
  sohoa: SohoaProcess | null = null;
  token = '';
  /** PostgreSQL's clock when the running sohoa was spawned: jobs started after it are the live process's. */
  spawnedAt = new Date(0);
  /** sohoa processes that ended without being killed by the harness (each is started again, as a supervisor would). */
  unexpectedExits: string[] = [];
  private killing = false;

  private constructor(
    readonly root: string,
    readonly url: string,
    readonly env: NodeJS.ProcessEnv,
    private postgres: EmbeddedPostgresHandle,
    private readonly s3: EmbeddedS3Handle,
    readonly s3Proxy: S3Proxy,
    private readonly pgGate: TcpGate,
    private readonly s3Gate: TcpGate,
    /** The harness's own view of the database and the bucket (through the gates too). */
    readonly db: Db,
    readonly store: ObjectStore,
  ) {}

  static async start(options: FaultLabOptions): Promise<FaultLab> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'sohoa-faults-'));
    await fs.chmod(root, 0o711); // the postgres user walks through it to its cluster
    const postgres = await startEmbeddedPostgres(path.join(root, 'services', 'postgres'), () => {});
    const s3 = await startEmbeddedS3(path.join(root, 'services', 's3'));
    const s3Proxy = await startS3Proxy(s3.endpoint);
    const pgGate = await startTcpGate(portOf(postgres.databaseUrl));
    const s3Gate = await startTcpGate(portOf(s3Proxy.endpoint));
    const databaseUrl = withPort(postgres.databaseUrl, pgGate.port);
    const s3Endpoint = `http://127.0.0.1:${s3Gate.port}`;
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: path.join(root, 'sohoa'),
      DATABASE_URL: databaseUrl,
      S3_ENDPOINT: s3Endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      PORT: String(port),
      HOST: '127.0.0.1',
      OCR_WORKERS: '1',
      JOB_TIMEOUT_SECONDS: String(options.jobTimeoutSeconds),
      WORKER_DEAD_SECONDS: String(options.workerDeadSeconds),
      QUEUE_MAINTENANCE_SECONDS: '2',
      INBOX_POLL_MS: '250',
      INBOX_SETTLE_MS: '300',
      LOG_LEVEL: 'warn',
    };
    const db = createDb(databaseUrl, 3);
    const store = await connectObjectStore({ endpoint: s3Endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: 'sohoa', region: 'us-east-1' });
    return new FaultLab(root, `http://127.0.0.1:${port}`, env, postgres, s3, s3Proxy, pgGate, s3Gate, db, store);
  }

  get inboxDir(): string {
    return path.join(this.env.DATA_DIR!, 'inbox');
  }

  /** Starts sohoa and resolves once it says it is running; returns how long that took. */
  async startSohoa(): Promise<number> {
    const began = Date.now();
    this.spawnedAt = await this.dbNow();
    this.sohoa = await spawnSohoa(['start'], this.env);
    const proc = this.sohoa;
    proc.child.once('exit', (code, signal) => {
      if (!this.killing && this.sohoa === proc) this.unexpectedExits.push(`code ${code} signal ${signal}: ${proc.output().slice(-2000)}`);
    });
    if (!this.token) this.token = (await readCredentials(path.join(this.env.DATA_DIR!, 'credentials.json')))!.token;
    return Date.now() - began;
  }

  /** True while the running sohoa process is alive. */
  alive(): boolean {
    const child = this.sohoa?.child;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  /** SIGKILL, the whole server at once: nothing of it runs any cleanup. */
  async killSohoa(): Promise<void> {
    this.killing = true;
    try {
      await this.sohoa?.kill();
    } finally {
      this.killing = false;
    }
  }

  /** The S3 endpoint goes away (connections reset, new ones refused) for `ms`, then comes back. */
  async s3Outage(ms: number, meanwhile: () => Promise<void> = async () => {}): Promise<void> {
    this.s3Gate.close();
    try {
      await Promise.all([meanwhile(), sleep(ms)]);
    } finally {
      this.s3Gate.open();
    }
  }

  /** PostgreSQL stops (every backend ends, fast shutdown) and starts again on the same cluster; returns the gap in ms. */
  async restartPostgres(): Promise<number> {
    const began = Date.now();
    this.pgGate.close();
    await this.postgres.stop();
    this.postgres = await startEmbeddedPostgres(path.join(this.root, 'services', 'postgres'), () => {});
    this.pgGate.open(portOf(this.postgres.databaseUrl));
    return Date.now() - began;
  }

  async dbNow(): Promise<Date> {
    return (await this.db.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;
  }

  async stop(): Promise<void> {
    await this.killSohoa().catch(() => {});
    await this.db.end().catch(() => {});
    await this.s3Gate.stop();
    await this.pgGate.stop();
    await this.s3Proxy.stop();
    await this.s3.stop().catch(() => {});
    await this.postgres.stop().catch(() => {});
    await fs.rm(this.root, { recursive: true, force: true });
  }
}

const portOf = (url: string) => Number(new URL(url).port);
const withPort = (url: string, port: number) => {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
};
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
