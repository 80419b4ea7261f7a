-- Up Migration
-- Issue 8: jobs that cannot be lost or repeated.

-- batchReadyToSplit runs after every page and file: count a batch's waiting rows from an index, not a scan.
-- pages (batch_id, status) also serves every lookup of a batch's pages by batch_id alone.
CREATE INDEX pages_batch_status ON pages (batch_id, status);
CREATE INDEX batch_files_batch_status ON batch_files (batch_id, status);

-- A batch whose split failed for good ends with the reason instead of staying in processing.
ALTER TABLE batches ADD COLUMN error text;

-- Pipeline worker processes and the jobs each is running, written only by the queue module (shared/src/queue-workers.ts):
-- a worker whose heartbeat is older than WORKER_DEAD_SECONDS is dead, and the jobs it held are put back to retry
-- at once instead of after JOB_TIMEOUT_SECONDS. pg-boss 10 does not record which worker runs a job.
CREATE TABLE workers (
  id uuid PRIMARY KEY,
  host text NOT NULL,
  pid int NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE worker_jobs (
  job_id uuid PRIMARY KEY,                 -- pgboss.job id (a retry keeps the id)
  queue text NOT NULL,
  started_on timestamptz NOT NULL,         -- pgboss.job started_on of this attempt: a later attempt is not this worker's
  worker_id uuid NOT NULL REFERENCES workers(id) ON DELETE CASCADE
);
CREATE INDEX worker_jobs_worker ON worker_jobs (worker_id);

-- Down Migration
DROP TABLE worker_jobs;
DROP TABLE workers;
ALTER TABLE batches DROP COLUMN error;
DROP INDEX batch_files_batch_status;
DROP INDEX pages_batch_status;
