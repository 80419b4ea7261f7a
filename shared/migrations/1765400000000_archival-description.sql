-- Up Migration
-- Archival description (issue 10): a dossier becomes an archival file (hồ sơ) when its result is issued or someone
-- closes it; each of its records is a document (văn bản) of that file; each unit is a fonds (phông), described
-- from its files. `derived` is what sohoa fills in (refreshed as documents join); `edited` holds an archivist's
-- values, which win. Old values are kept in the audit trail (each edit's detail: field, old, new).
ALTER TABLE dossiers ADD COLUMN closed_at timestamptz;

CREATE TABLE archival_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dossier_id uuid NOT NULL UNIQUE REFERENCES dossiers(id),
  unit_id uuid NOT NULL REFERENCES units(id),
  closed_at timestamptz NOT NULL,
  closed_by text NOT NULL,
  closed_because text NOT NULL CHECK (closed_because IN ('result-issued', 'closed')),
  derived jsonb NOT NULL,
  edited jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX archival_files_unit ON archival_files (unit_id, closed_at);

CREATE TABLE archival_documents (
  record_id uuid PRIMARY KEY REFERENCES records(id),
  file_id uuid NOT NULL REFERENCES archival_files(id),
  ordinal int NOT NULL,
  derived jsonb NOT NULL,
  edited jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (file_id, ordinal)
);

-- BagIt exports of a file, a fonds or a list of records, built by the export.bag job into the object store.
CREATE TABLE exports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('file', 'fonds', 'search')),
  subject jsonb NOT NULL,                 -- {fileId} | {unitId} | {recordIds}: what the caller was allowed to export
  unit_ids uuid[] NOT NULL,               -- the units whose records it holds: who may fetch it
  requested_by text NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  object_key text,
  size bigint,
  payload_files int,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- Down Migration
DROP TABLE exports;
DROP TABLE archival_documents;
DROP TABLE archival_files;
ALTER TABLE dossiers DROP COLUMN closed_at;
