-- Up Migration
-- Reuse API (issue 11): each API key's (or person's) requests in the current window, shared by every API process.
-- The schema rate-limiter-flexible's PostgreSQL store uses (key, points, expire in epoch ms); the limiter built in
-- src/http/rate-limit.ts is the one writer (its upserts, and the sweep of expired rows there).
CREATE TABLE reuse_rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- A later dossier that took a record instead of a paper: which of its procedure's components the record stands for
-- (the clerk's choice; the record's own component code may be of another procedure).
ALTER TABLE record_reuses ADD COLUMN component_code text;
CREATE INDEX record_reuses_dossier ON record_reuses (reusing_dossier_code) WHERE kind = 'dossier';

-- Down Migration
DROP INDEX record_reuses_dossier;
ALTER TABLE record_reuses DROP COLUMN component_code;
DROP TABLE reuse_rate_limits;
