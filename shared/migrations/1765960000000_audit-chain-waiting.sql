-- Up Migration

-- Audited commits no longer wait for one another. Until now every transaction with an audit row took the chain's
-- advisory lock at commit and held it through its WAL flush, so audited reads committed one at a time
-- (bench/results/load.md). Now a committing transaction tries the lock: when it is free, it links the rows waiting
-- and then its own, as before; when another commit holds it, its row is left waiting and it commits at once. The
-- rows waiting are linked by the next transaction that gets the lock, or by audit_chain_link_pending(), which every
-- server process calls every second and verification, the head job and the trail's listing call first. The chain
-- stays one and gapless, in the order rows are linked; a row is linked within about a second of its commit.
--
-- A waiting row is marked by the insert trigger: prev_hash 'waiting' (no hash; the hash columns are not part of a
-- row's content). A row slipped in with the triggers off carries no mark, is never linked and is still found
-- outside the chain. Rows linked before this migration keep their hashes.

CREATE INDEX audit_events_waiting ON audit_events (id) WHERE prev_hash = 'waiting';

-- Links the waiting rows, oldest first. The caller holds the chain's advisory lock.
CREATE FUNCTION audit_chain_link_waiting() RETURNS integer LANGUAGE plpgsql
  SET search_path = public, pg_catalog AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  FOR r IN SELECT id FROM audit_events WHERE prev_hash = 'waiting' AND hash IS NULL ORDER BY id LOOP
    PERFORM audit_chain_append(r.id);
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION audit_chain_link_waiting() FROM PUBLIC;

-- The sweep: links what waits (nothing waiting costs one look at an empty index). Waits for the lock.
CREATE FUNCTION audit_chain_link_pending() RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_catalog AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM audit_events WHERE prev_hash = 'waiting' AND hash IS NULL) THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(7310946158624403757); -- 'sohoa audit chain'
  RETURN audit_chain_link_waiting();
END $$;

-- Whatever an INSERT says, the chain columns start empty, the row marked as waiting to be linked.
CREATE OR REPLACE FUNCTION audit_chain_unset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.seq := NULL;
  NEW.prev_hash := 'waiting';
  NEW.hash := NULL;
  RETURN NEW;
END $$;

-- At commit (deferred). Only READ COMMITTED links: a REPEATABLE READ or SERIALIZABLE transaction could read a stale
-- end of the chain, and now leaves its row waiting rather than failing on the unique seq.
CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_catalog AS $$
BEGIN
  IF current_setting('transaction_isolation') = 'read committed' AND pg_try_advisory_xact_lock(7310946158624403757) THEN
    PERFORM audit_chain_link_waiting(); -- its own row among them, with any of this transaction's earlier ones
  END IF;
  RETURN NULL;
END $$;

-- Append-only as before; the one update let through fills the chain columns of a row waiting to be linked,
-- content unchanged: from inside the link trigger (as before) or from the sweep.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' AND TG_OP = 'UPDATE' AND (pg_trigger_depth() > 1 OR OLD.prev_hash = 'waiting') THEN
    IF OLD.hash IS NULL AND NEW.hash IS NOT NULL
       AND to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash' = to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash' THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege',
    HINT = 'the audit trail is hash-chained; a correction is a new event';
END $$;

-- Down Migration
SELECT audit_chain_link_pending();
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_catalog AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7310946158624403757);
  PERFORM audit_chain_append(NEW.id);
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION audit_chain_unset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.seq := NULL;
  NEW.prev_hash := NULL;
  NEW.hash := NULL;
  RETURN NEW;
END $$;
DROP FUNCTION audit_chain_link_pending(), audit_chain_link_waiting();
DROP INDEX audit_events_waiting;
