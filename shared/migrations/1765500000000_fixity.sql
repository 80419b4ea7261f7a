-- Up Migration
-- Fixity (issue 10, "Integrity"): every record object is read back on a schedule, its SHA-256 compared with
-- records.sha256 and its signatures checked. A run walks the records in id order and keeps a cursor, so a run
-- whose worker was killed continues where it stopped. Only services/archive-api/src/fixity/fixity.repository.ts
-- writes these tables.
CREATE TABLE fixity_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'request')),
  requested_by text NOT NULL,
  unit_ids uuid[],                                -- null: every unit
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
  cursor uuid,                                    -- the last record checked (records are walked in id order)
  checked int NOT NULL DEFAULT 0,
  failed int NOT NULL DEFAULT 0,
  bytes bigint NOT NULL DEFAULT 0,
  working_seconds double precision NOT NULL DEFAULT 0, -- time spent reading and checking (not waiting in the queue)
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX fixity_runs_by_time ON fixity_runs (started_at DESC);

CREATE TABLE fixity_checks (
  id bigserial PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES fixity_runs(id),
  -- A record disposed of later takes its checks with it (its tombstone keeps the SHA-256).
  record_id uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
  checked_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL CHECK (status IN ('intact', 'mismatch', 'missing', 'signature-broken')),
  detail jsonb NOT NULL DEFAULT '{}',
  UNIQUE (run_id, record_id)                      -- a resumed run never checks a record twice
);
CREATE INDEX fixity_checks_latest ON fixity_checks (record_id, checked_at DESC);

-- Down Migration
DROP TABLE fixity_checks, fixity_runs;
