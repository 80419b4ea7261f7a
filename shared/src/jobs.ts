import { z } from 'zod';

/**
 * The job catalogue: every queue, its payload, and what follows what.
 *   ingest.file (per file) → ocr.page (per page) → batch.split (per batch: documents, matching)
 *   → document.build (per document, once matched or confirmed by a clerk) → document.sign → record.archive
 * A clerk's correction of an archived document → record.reclassify (the record is archive-api's to write).
 * audit.head (cron, every 10 minutes): the audit chain's end written to the object store.
 * POST /exports → export.bag (a BagIt zip of a file, a fonds or a list of records, into the object store).
 * disposition.scan (nightly cron) lists records due; approval of a disposition list → disposition.execute.
 * fixity.run (cron FIXITY_CRON, or a request): re-reads record objects; each slice queues the next of its run.
 * record.extend (cron LTV_CRON, only with a TSA): the tick picks the records long-term validation is due for and
 * sends record.extend per record, which writes the record's next object version (B-LTA, or a renewed time-stamp).
 * webhook.deliver (per delivery: one event to one subscription): the webhooks relay sends it in the transaction that
 * makes the delivery from an event of the outbox (`events`); it delivers the subscription's pending events of the
 * same dossier in order, so an earlier one that fails holds the later ones back. Its own retry limit and backoff.
 * Every handler is idempotent: a job may run again after a crash or an expiry, and must not archive twice.
 */
export const jobPayloads = {
  'ingest.file': z.object({ fileId: z.string().uuid() }),
  'ocr.page': z.object({ pageId: z.string().uuid() }),
  'batch.split': z.object({ batchId: z.string().uuid() }),
  'document.build': z.object({ documentId: z.string().uuid() }),
  'document.sign': z.object({ documentId: z.string().uuid() }),
  'record.archive': z.object({ documentId: z.string().uuid() }),
  'record.reclassify': z.object({ documentId: z.string().uuid() }),
  'audit.head': z.object({}),
  'export.bag': z.object({ exportId: z.string().uuid() }),
  // Nightly (cron): marks the records whose retention has ended and that no hold covers (due for disposition).
  'disposition.scan': z.object({}).passthrough(),
  // Sent when the archive lead approves a disposition list: deletes, keeps tombstones, writes the signed minute.
  'disposition.execute': z.object({ listId: z.string().uuid() }),
  /** No run id: the cron tick (continue the unfinished scheduled run, else start one over every unit). */
  'fixity.run': z.object({ runId: z.string().uuid().optional() }),
  /** No record id: the cron tick (find the records due and send one job each). */
  'record.extend': z.object({ recordId: z.string().uuid().optional() }),
  'webhook.deliver': z.object({ deliveryId: z.string().uuid() }),
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloads)[N]>;
export const jobNames = Object.keys(jobPayloads) as JobName[];

/** Outcome of a handler for an expected situation; a thrown error means "retry". */
export type JobOutcome = { status: 'done' } | { status: 'skipped'; reason: string } | { status: 'failed'; reason: string };
export interface JobHandler<N extends JobName> {
  run(payload: JobPayload<N>): Promise<JobOutcome>;
  /** Called when the last retry has failed: record the failure in words where the clerk will see it. */
  giveUp(payload: JobPayload<N>, error: string): Promise<void>;
}
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobPayloads[name].parse(data) as JobPayload<N>;
}
