-- Up Migration

-- The tamper-evident audit trail. Every row carries `seq` (its place in the chain, gapless), `prev_hash` (the hash
-- of the row before; 64 zeros for the first) and `hash` = SHA-256 of prev_hash, a newline and the row's canonical
-- content. The canonical content is the row as PostgreSQL's jsonb text (to_jsonb: every column, keys in jsonb's
-- fixed order, timestamps in UTC), without the two hash columns and without columns that are NULL, so a column
-- added later (nullable, no default) leaves the hashes of older rows as they were.
-- The chain is linked at commit by a deferred trigger under a transaction-level advisory lock: the lock is held only
-- while the inserting transaction commits (not from its first audit row on), and the chain follows commit order.

-- The access layer's unit of an event (the isolation work may add it first; either order works).
ALTER TABLE audit_events ADD COLUMN IF NOT EXISTS unit_id uuid;
ALTER TABLE audit_events ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
CREATE INDEX IF NOT EXISTS audit_events_unit_seq ON audit_events (unit_id, seq);
CREATE INDEX audit_events_actor_seq ON audit_events (actor, seq);

-- The canonical content of a row given as jsonb (see above). `sohoa audit verify` spells the same expression out
-- in its own query rather than calling this function, so replacing the function cannot hide an edited row.
CREATE FUNCTION audit_canonical(r jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(jsonb_object_agg(key, value), '{}'::jsonb)::text
  FROM jsonb_each(r) WHERE key NOT IN ('hash', 'prev_hash') AND value <> 'null'::jsonb
$$;

-- Links one committed-to-be row to the end of the chain. The caller holds the chain's advisory lock.
CREATE FUNCTION audit_chain_append(row_id bigint) RETURNS void LANGUAGE plpgsql
  SET TimeZone = 'UTC' SET search_path = public, pg_catalog AS $$
DECLARE
  last_seq bigint;
  last_hash text;
  content jsonb;
  next_hash text;
BEGIN
  SELECT seq, hash INTO last_seq, last_hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  last_seq := COALESCE(last_seq, 0);
  last_hash := COALESCE(last_hash, repeat('0', 64));
  SELECT to_jsonb(a) || jsonb_build_object('seq', last_seq + 1) INTO content FROM audit_events a WHERE id = row_id;
  next_hash := encode(sha256(convert_to(last_hash || E'\n' || audit_canonical(content), 'UTF8')), 'hex');
  UPDATE audit_events SET seq = last_seq + 1, prev_hash = last_hash, hash = next_hash WHERE id = row_id;
END $$;

-- Existing rows join the chain in the order they were written.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT id FROM audit_events ORDER BY id LOOP
    PERFORM audit_chain_append(r.id);
  END LOOP;
END $$;

-- At commit (deferred): one chain, whatever the number of connections inserting. The advisory lock is taken only
-- here, so a transaction holds it for the length of its commit; a REPEATABLE READ inserter that would read a stale
-- end of the chain fails on the unique seq instead of forking it. SECURITY DEFINER: the application's role needs
-- INSERT on audit_events, never UPDATE.
CREATE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_catalog AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7310946158624403757); -- 'sohoa audit chain'
  PERFORM audit_chain_append(NEW.id);
  RETURN NULL;
END $$;

-- What a caller sends for the chain columns is ignored: only the link trigger sets them.
CREATE FUNCTION audit_chain_unset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.seq := NULL;
  NEW.prev_hash := NULL;
  NEW.hash := NULL;
  RETURN NEW;
END $$;

-- Append-only: UPDATE, DELETE and TRUNCATE are refused. The one update let through is the link trigger's own
-- (pg_trigger_depth > 1: issued from inside a trigger), which only fills the chain columns of an unlinked row.
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' AND TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
    IF OLD.hash IS NULL AND NEW.hash IS NOT NULL
       AND to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash' = to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash' THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege',
    HINT = 'the audit trail is hash-chained; a correction is a new event';
END $$;

CREATE TRIGGER audit_events_unset BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_chain_unset();
CREATE CONSTRAINT TRIGGER audit_events_link AFTER INSERT ON audit_events DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION audit_chain_link();
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- Nobody but the owner gets more than reading and appending (production: README, "Audit trail").
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;

-- Down Migration
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TRIGGER audit_events_append_only ON audit_events;
DROP TRIGGER audit_events_link ON audit_events;
DROP TRIGGER audit_events_unset ON audit_events;
DROP FUNCTION audit_events_refuse_change(), audit_chain_unset(), audit_chain_link(), audit_chain_append(bigint), audit_canonical(jsonb);
ALTER TABLE audit_events DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
