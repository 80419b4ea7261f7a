-- Up Migration
-- Uploaded certificates leave the API machine's disk: the .p12 and its password are sealed together
-- (AES-256-GCM under SIGNING_KEY_ENCRYPTION_KEY, the row's id as additional data) into p12_sealed, and seal
-- images are kept as bytes, so any worker can sign and draw the seal. A row names its key one way: a sealed
-- upload (no path, no password source), or a .p12 on the server with its password in a file or a variable.
ALTER TABLE unit_certificates
  ADD COLUMN p12_sealed bytea,
  ADD COLUMN seal_image bytea,
  ALTER COLUMN p12_path DROP NOT NULL,
  DROP CONSTRAINT unit_certificates_password_source,
  ADD CONSTRAINT unit_certificates_key_source CHECK (
    CASE WHEN p12_sealed IS NOT NULL THEN p12_path IS NULL AND password_path IS NULL AND password_env IS NULL
         ELSE p12_path IS NOT NULL AND (password_path IS NULL) <> (password_env IS NULL) END);

-- Down Migration
-- Sealed uploads cannot be turned back into files here: their rows go, as the previous migration's down does
-- for rows it cannot keep. Seal images kept as bytes are lost.
DELETE FROM unit_certificates WHERE p12_sealed IS NOT NULL;
ALTER TABLE unit_certificates
  DROP CONSTRAINT unit_certificates_key_source,
  ALTER COLUMN p12_path SET NOT NULL,
  ADD CONSTRAINT unit_certificates_password_source CHECK ((password_path IS NULL) <> (password_env IS NULL)),
  DROP COLUMN seal_image,
  DROP COLUMN p12_sealed;
