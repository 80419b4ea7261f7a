-- Up Migration
-- The certificate registry: units' organization certificates and, optionally, the personal certificate of the
-- officer who digitizes for the unit. The password is never stored: only where it is (a secret file or the name
-- of an environment variable). Rows are never deleted: a renewal deactivates the old row, so a record signed
-- before can still be traced to the certificate that signed it.
ALTER TABLE unit_certificates
  ADD COLUMN role text NOT NULL DEFAULT 'unit' CHECK (role IN ('unit', 'officer')),
  ADD COLUMN holder_name text,
  ADD COLUMN password_env text,
  ADD COLUMN seal_path text,
  ADD COLUMN issuer text,
  ADD COLUMN serial_number text,
  ADD COLUMN fingerprint_sha256 text,
  ADD COLUMN revoked_at timestamptz,
  ADD COLUMN revocation_reason text,
  ALTER COLUMN password_path DROP NOT NULL,
  ADD CONSTRAINT unit_certificates_password_source CHECK ((password_path IS NULL) <> (password_env IS NULL));
DROP INDEX unit_certificates_one_active;
CREATE UNIQUE INDEX unit_certificates_one_active_per_role ON unit_certificates (unit_id, role) WHERE active;

-- Down Migration
DROP INDEX unit_certificates_one_active_per_role;
DELETE FROM unit_certificates WHERE role <> 'unit' OR password_path IS NULL;
CREATE UNIQUE INDEX unit_certificates_one_active ON unit_certificates (unit_id) WHERE active;
ALTER TABLE unit_certificates
  DROP CONSTRAINT unit_certificates_password_source,
  ALTER COLUMN password_path SET NOT NULL,
  DROP COLUMN revocation_reason,
  DROP COLUMN revoked_at,
  DROP COLUMN fingerprint_sha256,
  DROP COLUMN serial_number,
  DROP COLUMN issuer,
  DROP COLUMN seal_path,
  DROP COLUMN password_env,
  DROP COLUMN holder_name,
  DROP COLUMN role;
