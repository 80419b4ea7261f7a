-- Up Migration
-- Long-term validation (issue 10): records kept beyond their certificates' lives are extended to PAdES B-LTA and
-- re-time-stamped. An extension is a NEW object version under a new key; the old object stays, under its lock.
-- Only services/archive-api/src/archive.repository.ts writes these columns and record_versions.

-- The record's LTV state, read off its current object when the record.extend job last looked at it.
ALTER TABLE records
  ADD COLUMN object_version int NOT NULL DEFAULT 1,                 -- which record_versions row is current
  ADD COLUMN ltv_level text CHECK (ltv_level IN ('B-B', 'B-T', 'B-LT', 'B-LTA')),
  ADD COLUMN signer_certificate_expires timestamptz,                -- the earliest notAfter of its signers' certificates
  ADD COLUMN last_timestamp_at timestamptz,                         -- its newest document time-stamp (B-LTA)
  ADD COLUMN last_timestamp_expires timestamptz,                    -- when that time-stamp's authority certificate expires
  ADD COLUMN ltv_checked_at timestamptz;                            -- null: never looked at (the scan reads its PDF)
CREATE INDEX records_ltv_renewal ON records (last_timestamp_expires) WHERE disposed_at IS NULL;

-- Every object a record has had, the current one included: the guard keeps the old keys write-once and retained,
-- disposition deletes them all, and the history says which key held which bytes.
CREATE TABLE record_versions (
  record_id uuid NOT NULL REFERENCES records(id),
  version int NOT NULL CHECK (version >= 1),
  object_key text NOT NULL,
  object_version_id text,
  sha256 text NOT NULL,
  size bigint NOT NULL,
  ltv_level text,
  reason text NOT NULL CHECK (reason IN ('archived', 'extended', 'renewed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (record_id, version)
);
CREATE INDEX record_versions_object_key ON record_versions (object_key); -- the object guard looks keys up here
INSERT INTO record_versions (record_id, version, object_key, object_version_id, sha256, size, reason, created_at)
  SELECT id, 1, object_key, object_version_id, sha256, size, 'archived', created_at FROM records;

-- Down Migration
DROP TABLE record_versions;
DROP INDEX records_ltv_renewal;
ALTER TABLE records DROP COLUMN ltv_checked_at, DROP COLUMN last_timestamp_expires, DROP COLUMN last_timestamp_at,
  DROP COLUMN signer_certificate_expires, DROP COLUMN ltv_level, DROP COLUMN object_version;
