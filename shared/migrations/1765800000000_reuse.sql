-- Up Migration
-- Reuse (issue 11): every time a digitized record is reused (looked up or downloaded by another system through the
-- reuse API, or taken into another dossier in place of a paper), one row here. The digitization-rate report counts
-- "results reused" from it. Only services/archive-api/src/reuse.repository.ts writes it.
CREATE TABLE record_reuses (
  id bigserial PRIMARY KEY,
  record_id uuid NOT NULL REFERENCES records(id),
  kind text NOT NULL CHECK (kind IN ('lookup', 'download', 'dossier')),
  api_key_id uuid REFERENCES api_keys(id),           -- the system that reused it (kind lookup/download by a key)
  actor text NOT NULL,                                -- who, as written in the audit trail
  reusing_unit_id uuid REFERENCES units(id),          -- the unit reusing it, when known (a person's or key's unit)
  reusing_dossier_code text,                          -- kind dossier: the later dossier that took it instead of paper
  purpose text NOT NULL,                              -- X-Purpose: the procedure it is reused for
  reused_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_reuses_record ON record_reuses (record_id, reused_at);
CREATE INDEX record_reuses_time ON record_reuses (reused_at);

-- The digitization-rate target the inspectors hold each unit to (share, 0..1); 80 % unless set per unit.
-- Written by shared/src/repositories/units.repository.ts, as the rest of units.
ALTER TABLE units ADD COLUMN digitization_target numeric(4, 3) NOT NULL DEFAULT 0.8
  CHECK (digitization_target >= 0 AND digitization_target <= 1);

-- Down Migration
ALTER TABLE units DROP COLUMN digitization_target;
DROP TABLE record_reuses;
