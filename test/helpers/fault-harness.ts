import { uploadBatch } from './stack.ts';
import { FaultLab, sleep } from './fault-lab.ts';
import { auditRun, type AuditTotals, type UploadLedger } from './fault-audit.ts';
import { PHASES, phaseOrder, seededRandom, type Phase } from './fault-phases.ts';
import { SAMPLE_KINDS, dropIntoInbox, givenDossierCode, inboxLeft, paperName, sampleBytes, type SampleKind } from './fault-workload.ts';

/**
 * The fault campaign shared by test/faults.test.ts (a few kills) and `npm run bench:faults` (a hundred and more):
 * a stream of small batches by upload and hot folder while `sohoa start` is killed with SIGKILL at chosen moments
 * (while an upload is being answered, a page read, a batch split, a document signed or archived), started again
 * each time, then the S3 endpoint taken away and PostgreSQL restarted; at the end the audit counts what was lost,
 * duplicated or left hanging.
 */
const JOB_OF: Record<Exclude<Phase, 'upload'>, string> = { ocr: 'ocr.page', split: 'batch.split', sign: 'document.sign', archive: 'record.archive' };
/**
 * Kills only land on jobs on their first three attempts: a job interrupted six times is given up on purpose (the
 * retry limit guards against a job that kills its process), which is not what this measures.
 */
const MAX_RETRY_TO_KILL = 2;

export { PHASES, type Phase } from './fault-phases.ts';

export interface FaultCampaignOptions {
  seed: number;
  kills: number;
  /** How long the S3 endpoint stays away (0: no outage). */
  s3OutageMs: number;
  postgresRestart: boolean;
  /** New batches are sent while fewer than this are unfinished. */
  batchesInFlight: number;
  /** Share of new batches that come through the hot folder instead of the API. */
  inboxShare: number;
  /** After the last fault, every batch must end within this. */
  hangBoundMs: number;
  jobTimeoutSeconds: number;
  workerDeadSeconds: number;
  log?: (line: string) => void;
}

export interface KillRecord {
  phase: Phase;
  /** The kill came while the phase's job (or the upload's request) was still running. */
  inPhase: boolean;
  /** Archiving: killed after the record's object was stored, before the writer heard so. */
  afterStore?: boolean;
  /** Every job the dead process held, by name. */
  interrupted: string[];
  restartMs: number;
}

export interface FaultReport extends AuditTotals {
  /** The audit, run again after a stray object was put under records/, counted it. */
  auditCatchesStray: boolean;
  seed: number;
  kills: KillRecord[];
  uploads: { sent: number; cut: number; refused: number };
  inboxFiles: number;
  s3Outage: { ms: number; refusedUploads: number } | null;
  postgresRestartMs: number | null;
  unexpectedExits: string[];
  leftInInbox: string[];
  totalMs: number;
}

export async function runFaultCampaign(options: FaultCampaignOptions): Promise<FaultReport> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const lab = await FaultLab.start({ jobTimeoutSeconds: options.jobTimeoutSeconds, workerDeadSeconds: options.workerDeadSeconds });
  try {
    await lab.startSohoa();
    const campaign = new Campaign(lab, options, random, log);
    for (const phase of phaseOrder(options.kills, random)) {
      // A kill whose phase had just ended still counts as a kill; the phase is tried again (three times at most).
      for (let attempt = 1; ; attempt++) {
        const kill = await campaign.killDuring(phase);
        log(`kill ${campaign.kills.length} (${phase}${kill.inPhase ? '' : ', missed: the phase had ended'}${kill.afterStore ? ', after the object was stored' : ''}): held [${kill.interrupted.join(', ')}], back in ${kill.restartMs} ms`);
        if (kill.inPhase || attempt === 3) break;
      }
    }
    let s3Outage: FaultReport['s3Outage'] = null;
    if (options.s3OutageMs > 0) s3Outage = await campaign.s3Outage(options.s3OutageMs);
    let postgresRestartMs: number | null = null;
    if (options.postgresRestart) postgresRestartMs = await campaign.postgresRestart();
    await campaign.retryCutUploads();
    await campaign.superviseUntilInboxEmpty(options.hangBoundMs);

    log('faults done: auditing');
    const audit = await auditRun(lab, campaign.ledger, campaign.dropped, options.hangBoundMs);
    // The audit must be able to fail: an object under records/ that no row names is counted as a duplicate.
    await lab.store.put('records/000.00.00.H00/audit-check/stray.pdf', Buffer.from('%PDF-1.7 stray'));
    const recheck = await auditRun(lab, campaign.ledger, campaign.dropped, 0);
    const auditCatchesStray = recheck.duplicated === audit.duplicated + 1 && recheck.problems.some((p) => p.includes('audit-check/stray.pdf'));
    return {
      ...audit,
      auditCatchesStray,
      seed: options.seed,
      kills: campaign.kills,
      uploads: campaign.uploadCounts,
      inboxFiles: campaign.dropped.length,
      s3Outage,
      postgresRestartMs,
      unexpectedExits: lab.unexpectedExits,
      leftInInbox: await inboxLeft(lab.inboxDir),
      totalMs: Date.now() - began,
    };
  } finally {
    await lab.stop();
  }
}

class Campaign {
  kills: KillRecord[] = [];
  ledger: UploadLedger[] = [];
  dropped: string[] = [];
  uploadCounts = { sent: 0, cut: 0, refused: 0 };
  private papers = 0;
  /** Uploads whose answer was cut or refused: the client sends them again once sohoa answers. */
  private toRetry: { ledger: UploadLedger; kind: SampleKind; name: string }[] = [];
  private uploadMs: number[] = [];

  constructor(
    private readonly lab: FaultLab,
    private readonly options: FaultCampaignOptions,
    private readonly random: () => number,
    private readonly log: (line: string) => void,
  ) {}

  async killDuring(phase: Phase): Promise<KillRecord> {
    await this.ensureRunning();
    await this.retryCutUploads();
    if (phase === 'upload') return this.killDuringUpload();
    const job = JOB_OF[phase];
    let afterStore = phase === 'archive' && this.random() < 0.5;
    if (afterStore) this.lab.s3Proxy.holdWrites(/^\/sohoa\/records\//);
    const typical = await this.typicalMs(job);
    const delay = afterStore ? 0 : Math.floor(this.random() * 0.75 * typical);
    let target: { id: string; started: string } | null = null;
    let fedAt = 0;
    const waitUntil = Date.now() + 30 * 60_000;
    while (!target) {
      if (Date.now() > waitUntil) throw new Error(`no ${job} job ran for 30 minutes`);
      if (Date.now() - fedAt > 2_000) {
        await this.feed();
        fedAt = Date.now();
      }
      await this.ensureRunning();
      const candidate = await this.activeJob(job);
      const safe = await this.safeToKill();
      if (afterStore && this.lab.s3Proxy.held().length > 0 && !(candidate && safe)) {
        // The held writer is a job not to be killed again: let it through, and take a plain moment instead.
        this.lab.s3Proxy.holdWrites(null);
        afterStore = false;
      }
      if (candidate && safe && (!afterStore || this.lab.s3Proxy.held().length > 0)) target = candidate;
      else await sleep(25);
    }
    await sleep(delay);
    await this.lab.killSohoa();
    // The dead process's jobs stay active in pgboss.job until the next start puts them back.
    const interrupted = await this.activeJobNames();
    const { rows } = await this.lab.db.query(`SELECT 1 FROM pgboss.job WHERE name = $1 AND id = $2 AND state = 'active' AND started_on::text = $3`, [job, target.id, target.started]);
    if (afterStore) this.lab.s3Proxy.holdWrites(null);
    const restartMs = await this.lab.startSohoa();
    return this.record({ phase, inPhase: rows.length > 0, afterStore: afterStore || undefined, interrupted, restartMs });
  }

  /** Starts an upload and kills sohoa at a random moment before its answer (tried again if the answer came first). */
  private async killDuringUpload(): Promise<KillRecord> {
    for (let attempt = 0; ; attempt++) {
      const typical = median(this.uploadMs) ?? 300;
      const delay = Math.floor(this.random() * 0.9 * typical * Math.max(0.2, 1 - attempt * 0.2));
      const kind = this.pickKind();
      const n = ++this.papers;
      const name = paperName('u', n, kind);
      const ledger: UploadLedger = { dossier: givenDossierCode(n), attempts: 0, cut: 0, accepted: 0 };
      this.ledger.push(ledger);
      const answer = this.send(ledger, kind, name);
      const first = await Promise.race([answer.then(() => 'answered' as const), sleep(delay).then(() => 'kill' as const)]);
      if (first === 'answered' && attempt < 10) continue; // the answer beat the kill: another upload
      await this.lab.killSohoa();
      const interrupted = await this.activeJobNames();
      const outcome = await answer;
      const restartMs = await this.lab.startSohoa();
      return this.record({ phase: 'upload', inPhase: outcome !== 'accepted', interrupted, restartMs });
    }
  }

  /** One attempt of an upload; a cut or refused one is queued to be sent again. */
  private async send(ledger: UploadLedger, kind: SampleKind, name: string): Promise<'accepted' | 'cut' | 'refused'> {
    ledger.attempts++;
    this.uploadCounts.sent++;
    const began = Date.now();
    const fields = { unit: '000.00.00.H00', procedure: kind.procedure, dossier: ledger.dossier };
    const result = await uploadBatch(this.lab.url, this.lab.token, fields, [{ name, bytes: await sampleBytes(kind) }]).catch(() => null);
    if (result?.status === 202) {
      ledger.accepted++;
      this.uploadMs.push(Date.now() - began);
      return 'accepted';
    }
    this.toRetry.push({ ledger, kind, name });
    if (result) {
      this.uploadCounts.refused++;
      return 'refused';
    }
    ledger.cut++;
    this.uploadCounts.cut++;
    return 'cut';
  }

  /** The client sends again, with the same dossier code, every upload whose answer it did not get. */
  async retryCutUploads(): Promise<void> {
    while (this.toRetry.length) {
      const { ledger, kind, name } = this.toRetry.shift()!;
      if ((await this.send(ledger, kind, name)) !== 'accepted') {
        await sleep(1_000);
        await this.ensureRunning();
      }
    }
  }

  /** New work whenever fewer batches than wanted are unfinished: uploads and hot-folder files. */
  private async feed(): Promise<void> {
    const { rows } = await this.lab.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM batches b WHERE b.split_at IS NULL
         OR EXISTS (SELECT 1 FROM documents d WHERE d.batch_id = b.id AND d.status NOT IN ('archived', 'failed', 'merged'))`);
    for (let n = rows[0].n + (await inboxLeft(this.lab.inboxDir)).length; n < this.options.batchesInFlight; n++) {
      const kind = this.pickKind();
      const number = ++this.papers;
      if (this.random() < this.options.inboxShare) {
        const name = paperName('in', number, kind);
        await dropIntoInbox(this.lab.inboxDir, kind, name);
        this.dropped.push(name);
      } else {
        const ledger: UploadLedger = { dossier: givenDossierCode(number), attempts: 0, cut: 0, accepted: 0 };
        this.ledger.push(ledger);
        await this.send(ledger, kind, paperName('u', number, kind));
      }
    }
  }

  async s3Outage(ms: number): Promise<{ ms: number; refusedUploads: number }> {
    await this.ensureRunning();
    await this.feed();
    await this.waitForAnyJob();
    const refusedBefore = this.uploadCounts.refused;
    this.log(`S3 endpoint away for ${ms / 1000} s`);
    await this.lab.s3Outage(ms, async () => {
      await sleep(ms / 4);
      // A client uploading meanwhile is refused and sends again later; a scanner's file waits in the hot folder.
      const kind = this.pickKind();
      const number = ++this.papers;
      const ledger: UploadLedger = { dossier: givenDossierCode(number), attempts: 0, cut: 0, accepted: 0 };
      this.ledger.push(ledger);
      await this.send(ledger, kind, paperName('u', number, kind));
      const dropped = paperName('in', ++this.papers, kind);
      await dropIntoInbox(this.lab.inboxDir, kind, dropped);
      this.dropped.push(dropped);
    });
    await this.ensureRunning();
    return { ms, refusedUploads: this.uploadCounts.refused - refusedBefore };
  }

  async postgresRestart(): Promise<number> {
    await this.ensureRunning();
    await this.feed();
    await this.waitForAnyJob();
    const gap = await this.lab.restartPostgres();
    this.log(`PostgreSQL restarted (${gap} ms down)`);
    await sleep(3_000);
    await this.ensureRunning();
    return gap;
  }

  /** Waits for the hot folder to empty, starting sohoa again should it stop on its own. */
  async superviseUntilInboxEmpty(boundMs: number): Promise<void> {
    const deadline = Date.now() + boundMs;
    while ((await inboxLeft(this.lab.inboxDir)).length && Date.now() < deadline) {
      await this.ensureRunning();
      await sleep(500);
    }
    await this.ensureRunning();
  }

  /** As a supervisor would: a sohoa that ended on its own (not killed by the harness) is started again. */
  private async ensureRunning(): Promise<void> {
    if (this.lab.alive()) return;
    this.log(`sohoa ended on its own: ${this.lab.unexpectedExits.at(-1)?.split('\n').find((l) => /Error|error/.test(l)) ?? '?'}`);
    for (;;) {
      try {
        await this.lab.startSohoa();
        return;
      } catch (err) {
        this.log(`sohoa did not start: ${(err as Error).message.slice(0, 300)}`);
        await sleep(2_000);
      }
    }
  }

  private record(kill: KillRecord): KillRecord {
    this.kills.push(kill);
    return kill;
  }

  private pickKind(): SampleKind {
    return SAMPLE_KINDS[Math.floor(this.random() * SAMPLE_KINDS.length)]!;
  }

  /** The live process's running job of that name (started since it was spawned). */
  private async activeJob(name: string): Promise<{ id: string; started: string } | null> {
    // started_on as text: a JavaScript Date would lose its microseconds, and the attempt is told by it.
    const { rows } = await this.lab.db.query<{ id: string; started: string }>(
      `SELECT id, started_on::text AS started FROM pgboss.job WHERE name = $1 AND state = 'active' AND started_on > $2 AND retry_count <= $3 LIMIT 1`,
      [name, this.lab.spawnedAt, MAX_RETRY_TO_KILL]);
    return rows[0] ?? null;
  }

  private async activeJobNames(): Promise<string[]> {
    const { rows } = await this.lab.db.query<{ name: string }>(
      `SELECT name FROM pgboss.job WHERE state = 'active' AND started_on > $1 ORDER BY name`, [this.lab.spawnedAt]);
    return rows.map((r) => r.name);
  }

  /** No job the live process holds is past its third attempt (see MAX_RETRY_TO_KILL). */
  private async safeToKill(): Promise<boolean> {
    const { rows } = await this.lab.db.query(
      `SELECT 1 FROM pgboss.job WHERE state = 'active' AND started_on > $1 AND retry_count > $2 LIMIT 1`, [this.lab.spawnedAt, MAX_RETRY_TO_KILL]);
    return rows.length === 0;
  }

  private async waitForAnyJob(): Promise<void> {
    const until = Date.now() + 120_000;
    while (Date.now() < until && !(await this.activeJobNames()).some((n) => n === 'ocr.page' || n === 'ingest.file')) await sleep(50);
  }

  /** The median run time of completed jobs of that name, to draw the kill's moment within it. */
  private async typicalMs(name: string): Promise<number> {
    const { rows } = await this.lab.db.query<{ ms: number | null }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_on - started_on) * 1000) AS ms
       FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [name]);
    return rows[0]?.ms ?? 1_000;
  }
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
