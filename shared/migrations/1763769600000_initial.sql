-- Up Migration
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE units (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,               -- agency code (mã đơn vị), also the dossier-code prefix
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Unit signing certificates: the PKCS#12 lives on disk / in a secret store, never in the database.
CREATE TABLE unit_certificates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  unit_id uuid NOT NULL REFERENCES units(id),
  p12_path text NOT NULL,
  password_path text NOT NULL,
  subject text NOT NULL,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX unit_certificates_one_active ON unit_certificates (unit_id) WHERE active;

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'clerk', 'archivist', 'system')),
  token_sha256 text NOT NULL UNIQUE,      -- only the hash is kept
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Catalog versions are kept whole: a dossier keeps the version it was received under.
CREATE TABLE catalog_versions (
  id serial PRIMARY KEY,
  source_sha256 text NOT NULL UNIQUE,
  document jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE procedures (
  catalog_version_id int NOT NULL REFERENCES catalog_versions(id),
  code text NOT NULL,
  name text NOT NULL,
  level text,
  PRIMARY KEY (catalog_version_id, code)
);

CREATE TABLE components (
  catalog_version_id int NOT NULL,
  procedure_code text NOT NULL,
  code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('component', 'result')),
  name text NOT NULL,
  required boolean NOT NULL DEFAULT false,
  retention_years int,                     -- NULL = permanent
  position int NOT NULL,
  PRIMARY KEY (catalog_version_id, procedure_code, code),
  FOREIGN KEY (catalog_version_id, procedure_code) REFERENCES procedures(catalog_version_id, code)
);

CREATE TABLE dossier_counters (
  unit_id uuid NOT NULL REFERENCES units(id),
  day date NOT NULL,
  last_number int NOT NULL,
  PRIMARY KEY (unit_id, day)
);

CREATE TABLE dossiers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  unit_id uuid NOT NULL REFERENCES units(id),
  procedure_code text,                     -- NULL while the procedure is not known yet (matched later)
  catalog_version_id int NOT NULL REFERENCES catalog_versions(id),
  owner_identifier text,
  received_at timestamptz NOT NULL DEFAULT now(),
  due_at timestamptz,
  status text NOT NULL DEFAULT 'received'
);

CREATE TABLE batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  unit_id uuid NOT NULL REFERENCES units(id),
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  component_code text,
  source text NOT NULL CHECK (source IN ('upload', 'inbox')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE batch_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id uuid NOT NULL REFERENCES batches(id),
  position int NOT NULL,
  name text NOT NULL,
  size bigint NOT NULL,
  sha256 text NOT NULL,
  object_key text NOT NULL,
  status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'split', 'quarantined', 'failed')),
  error text,
  page_count int,
  UNIQUE (batch_id, position)
);

CREATE TABLE pages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id uuid NOT NULL REFERENCES batch_files(id),
  batch_id uuid NOT NULL REFERENCES batches(id),
  page_index int NOT NULL,                 -- 0-based within its file
  source_key text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  error text,
  attempts int NOT NULL DEFAULT 0,
  blank boolean,
  rotation int,
  skew_degrees real,
  confidence real,
  width int, height int, dpi int,
  image_key text,
  text text,
  words jsonb,
  UNIQUE (file_id, page_index)
);

CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id uuid NOT NULL REFERENCES batches(id),
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  file_id uuid NOT NULL REFERENCES batch_files(id),
  component_code text,
  page_ids uuid[] NOT NULL,
  status text NOT NULL DEFAULT 'built' CHECK (status IN ('built', 'signed', 'archived', 'failed')),
  error text,
  pdf_key text NOT NULL,
  signed_key text,
  record_id uuid NOT NULL DEFAULT gen_random_uuid(), -- chosen up front so archiving twice writes the same object
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (file_id)
);

CREATE TABLE records (
  id uuid PRIMARY KEY,
  document_id uuid NOT NULL UNIQUE REFERENCES documents(id),
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  unit_id uuid NOT NULL REFERENCES units(id),
  bucket text NOT NULL,
  object_key text NOT NULL,
  sha256 text NOT NULL,
  size bigint NOT NULL,
  page_count int NOT NULL,
  metadata jsonb NOT NULL,
  text text NOT NULL,
  retention_years int,                      -- NULL = permanent
  retain_until date,                        -- NULL = permanent
  legal_hold boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id);

-- Down Migration
DROP TABLE audit_events, records, documents, pages, batch_files, batches, dossiers, dossier_counters,
  components, procedures, catalog_versions, api_tokens, unit_certificates, units;
