-- Up Migration
-- Who acted where and why: the unit an audited write or read concerned (each unit sees its own trail), and the
-- purpose a system gave for a read of content or personal data (X-Purpose).
ALTER TABLE audit_events ADD COLUMN unit_id uuid REFERENCES units(id), ADD COLUMN purpose text;
CREATE INDEX audit_events_unit ON audit_events (unit_id, at) WHERE unit_id IS NOT NULL;

-- Down Migration
ALTER TABLE audit_events DROP COLUMN unit_id, DROP COLUMN purpose;
