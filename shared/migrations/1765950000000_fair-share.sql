-- Up Migration
-- Issue 13 (fairness): each intake job's priority counts its unit's files and pages still waiting
-- (services/ingest/src/fair-share.ts). Only the waiting rows are indexed: the count reads a few thousand entries
-- of the backlog, not every page ever read.
CREATE INDEX batch_files_waiting ON batch_files (batch_id) WHERE status = 'received';
CREATE INDEX pages_waiting ON pages (batch_id) WHERE status = 'pending';

-- Down Migration
DROP INDEX pages_waiting;
DROP INDEX batch_files_waiting;
