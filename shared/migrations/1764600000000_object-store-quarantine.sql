-- Up Migration
-- Rejected files are kept in the object store (quarantine/…), not on the disk of whichever worker rejected them
-- (issue 8): any worker can reject, any API process can list and serve them. One row per rejected file; only the
-- ingest service's quarantine repository writes it.
CREATE TABLE quarantined_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id uuid REFERENCES batches(id),          -- null: a hot-folder file rejected before any batch was made
  file_id uuid UNIQUE REFERENCES batch_files(id), -- unique: a split job run twice quarantines its file once
  unit_code text,                                 -- the batch's unit, or the hot-folder file's unit folder
  inbox_path text,                                -- a hot-folder file: where it lay, relative to the hot folder
  name text NOT NULL,
  size bigint NOT NULL,
  sha256 text NOT NULL,
  object_key text NOT NULL UNIQUE,
  reason text NOT NULL,
  quarantined_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantined_files_by_time ON quarantined_files (quarantined_at DESC);

-- The hot folder takes each file exactly once: the file (path, size, SHA-256) is noted in the transaction that
-- registers its batch (or its quarantine), so a process that dies before removing it finishes the removal after
-- a restart instead of ingesting it again. Only the ingest service's hot folder writes it.
CREATE TABLE inbox_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  path text NOT NULL,                             -- relative to the hot folder
  size bigint NOT NULL,
  sha256 text NOT NULL,
  batch_id uuid REFERENCES batches(id),
  quarantined_id uuid REFERENCES quarantined_files(id),
  state text NOT NULL CHECK (state IN ('registered', 'quarantined', 'removed')),
  taken_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  CHECK ((batch_id IS NULL) <> (quarantined_id IS NULL)) -- made a batch, or was quarantined
);
-- Two processes watching one share: the second to register the same file fails here and takes nothing.
CREATE UNIQUE INDEX inbox_files_pending ON inbox_files (path, size, sha256) WHERE state <> 'removed';

-- Down Migration
DROP TABLE inbox_files;
DROP TABLE quarantined_files;
