-- Up Migration
-- Issue 10: retention, legal holds and disposition. Only services/archive-api writes these tables.

-- Retention is counted from the end of the year the archival file closed. Until the file closes, a record's
-- retain-until is provisional: counted from the year it was archived (never later than the real one, since a
-- file closes after its papers are archived; the real date replaces it when the file closes).
ALTER TABLE records
  ADD COLUMN permanent boolean,
  ADD COLUMN retention_from date,                      -- the day the count starts from (file closed, or archived while open)
  ADD COLUMN retention_provisional boolean NOT NULL DEFAULT true,
  ADD COLUMN review_after date,                         -- a "keep" decision of the archive lead: not disposable before
  ADD COLUMN due_since date,                            -- listed by the nightly disposition scan
  ADD COLUMN disposed_at timestamptz,                   -- the object is gone; the tombstone says what it was
  ADD COLUMN kind text NOT NULL DEFAULT 'document' CHECK (kind IN ('document', 'disposition-minute')),
  ADD COLUMN object_version_id text;                    -- the S3 version written (a store with versioning / Object Lock)
UPDATE records SET permanent = (retention_years IS NULL), retention_from = created_at::date;
ALTER TABLE records ALTER COLUMN permanent SET NOT NULL, ALTER COLUMN retention_from SET NOT NULL,
  ADD CONSTRAINT records_permanent_has_no_end CHECK (permanent = (retain_until IS NULL));
-- A destruction minute is a record of no scanned document.
ALTER TABLE records ALTER COLUMN document_id DROP NOT NULL, ALTER COLUMN dossier_id DROP NOT NULL,
  ADD CONSTRAINT records_document_kind CHECK ((kind = 'document') = (document_id IS NOT NULL));
CREATE INDEX records_due ON records (retain_until) WHERE NOT permanent AND disposed_at IS NULL;
CREATE INDEX records_dossier ON records (dossier_id);
CREATE INDEX records_object_key ON records (object_key); -- the object guard looks records up by key

-- A legal hold covers one record, a whole dossier (archival file: also records archived into it later), or a saved
-- result set (its record ids as they were when the hold was placed). Never deleted: lifting is recorded on the row.
CREATE TABLE legal_holds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  scope text NOT NULL CHECK (scope IN ('record', 'dossier', 'records')),
  record_id uuid REFERENCES records(id),
  dossier_id uuid REFERENCES dossiers(id),
  record_ids uuid[],
  reason text NOT NULL CHECK (length(reason) > 0),
  reference text NOT NULL CHECK (length(reference) > 0),
  placed_by text NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT now(),
  lifted_by text,
  lifted_at timestamptz,
  lift_reason text,
  CHECK (CASE scope WHEN 'record' THEN record_id IS NOT NULL WHEN 'dossier' THEN dossier_id IS NOT NULL ELSE record_ids IS NOT NULL END),
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL) AND (lifted_at IS NULL) = (lift_reason IS NULL))
);
CREATE INDEX legal_holds_record ON legal_holds (record_id) WHERE lifted_at IS NULL;
CREATE INDEX legal_holds_dossier ON legal_holds (dossier_id) WHERE lifted_at IS NULL;
CREATE INDEX legal_holds_set ON legal_holds USING gin (record_ids) WHERE lifted_at IS NULL;

-- The one definition of "on hold": any active hold covers the record. records.legal_hold is kept equal to it by the
-- writer (for filters and facets); guards ask this function.
CREATE FUNCTION record_on_hold(rid uuid, did uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM legal_holds h WHERE h.lifted_at IS NULL
    AND (h.record_id = rid OR (did IS NOT NULL AND h.dossier_id = did) OR h.record_ids @> ARRAY[rid]))
$$;

-- Disposition: an archivist proposes a list of due records; the archive lead (never the proposer) approves or
-- rejects it; only an approved list is carried out, item by item, holds checked again in that step.
CREATE TABLE disposition_lists (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),         -- also the id of its destruction minute's record
  unit_id uuid NOT NULL REFERENCES units(id),            -- one fonds per list: the unit signs its minute
  status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected', 'executed')),
  note text,
  proposed_by text NOT NULL,
  proposed_at timestamptz NOT NULL DEFAULT now(),
  decided_by text,
  decided_at timestamptz,
  decision_reason text,
  executed_at timestamptz,
  minute_record_id uuid REFERENCES records(id),
  CHECK (decided_by IS NULL OR decided_by <> proposed_by)
);
CREATE TABLE disposition_items (
  list_id uuid NOT NULL REFERENCES disposition_lists(id),
  record_id uuid NOT NULL REFERENCES records(id),
  decision text NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'dispose', 'keep')),
  review_after date,                                    -- keep: the new review date
  keep_reason text,
  outcome text CHECK (outcome IN ('disposed', 'skipped-held', 'skipped-retained', 'skipped-kept')),
  outcome_at timestamptz,
  PRIMARY KEY (list_id, record_id),
  CHECK (decision <> 'keep' OR review_after IS NOT NULL)
);
CREATE INDEX disposition_items_record ON disposition_items (record_id);
-- A record is in at most one list still open (proposed, or approved and not yet carried out).
CREATE TABLE disposition_open_items (
  record_id uuid PRIMARY KEY REFERENCES records(id),
  list_id uuid NOT NULL REFERENCES disposition_lists(id)
);

-- What is left of a disposed record: who it was, what it held, who decided. Never deleted.
CREATE TABLE record_tombstones (
  record_id uuid PRIMARY KEY REFERENCES records(id),
  unit_id uuid NOT NULL REFERENCES units(id),
  dossier_id uuid REFERENCES dossiers(id),
  bucket text NOT NULL,
  object_key text NOT NULL,
  versions_deleted text[] NOT NULL DEFAULT '{}',
  sha256 text NOT NULL,
  size bigint NOT NULL,
  metadata jsonb NOT NULL,
  list_id uuid NOT NULL REFERENCES disposition_lists(id),
  proposed_by text NOT NULL,
  approved_by text NOT NULL,
  approved_at timestamptz NOT NULL,
  disposed_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE record_tombstones, disposition_open_items, disposition_items, disposition_lists;
DROP FUNCTION record_on_hold(uuid, uuid);
DROP TABLE legal_holds;
DROP INDEX records_object_key;
DROP INDEX records_dossier;
DROP INDEX records_due;
DELETE FROM records WHERE kind <> 'document';
ALTER TABLE records DROP CONSTRAINT records_document_kind, DROP CONSTRAINT records_permanent_has_no_end,
  ALTER COLUMN document_id SET NOT NULL, ALTER COLUMN dossier_id SET NOT NULL,
  DROP COLUMN permanent, DROP COLUMN retention_from, DROP COLUMN retention_provisional, DROP COLUMN review_after,
  DROP COLUMN due_since, DROP COLUMN disposed_at, DROP COLUMN kind, DROP COLUMN object_version_id;
