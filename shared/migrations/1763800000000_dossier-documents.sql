-- Up Migration
-- A batch is split into documents by content (titles, receipts, separators), no longer one document per file.
-- Where the dossier code came from: a QR code read on a receipt may replace a generated one, never a given one.
ALTER TABLE dossiers ADD COLUMN code_source text NOT NULL DEFAULT 'given' CHECK (code_source IN ('generated', 'given', 'qr'));

ALTER TABLE batches ADD COLUMN split_at timestamptz;           -- set once the batch.split job has decided its documents

ALTER TABLE pages ADD COLUMN codes jsonb;                       -- QR / barcodes read on the page
ALTER TABLE pages ADD COLUMN role text CHECK (role IN ('content', 'blank', 'separator', 'unreadable'));

ALTER TABLE documents DROP CONSTRAINT documents_file_id_key;
ALTER TABLE documents ALTER COLUMN file_id DROP NOT NULL;
ALTER TABLE documents ALTER COLUMN pdf_key DROP NOT NULL;
ALTER TABLE documents DROP CONSTRAINT documents_status_check;
ALTER TABLE documents ADD CONSTRAINT documents_status_check
  CHECK (status IN ('review', 'matched', 'built', 'signed', 'archived', 'failed', 'merged'));
ALTER TABLE documents ALTER COLUMN status SET DEFAULT 'matched';
ALTER TABLE documents
  ADD COLUMN position int NOT NULL DEFAULT 0,
  ADD COLUMN kind text NOT NULL DEFAULT 'document' CHECK (kind IN ('document', 'receipt')),
  ADD COLUMN procedure_code text,
  ADD COLUMN title text,
  ADD COLUMN confidence real,
  ADD COLUMN runner_up jsonb,
  ADD COLUMN explanation jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN fields jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN needs_review boolean NOT NULL DEFAULT false,
  ADD COLUMN confirmed_by text,
  ADD COLUMN confirmed_at timestamptz,
  ADD COLUMN blank_page_ids uuid[] NOT NULL DEFAULT '{}', -- back sides dropped from this document, kept on record
  ADD COLUMN revision int NOT NULL DEFAULT 0;               -- bumped by every clerk edit: a build of an older revision is discarded
CREATE INDEX documents_batch ON documents (batch_id, position);
CREATE INDEX documents_review ON documents (status) WHERE status = 'review';

-- What clerks' confirmations taught, per unit: phrases that point to a component.
CREATE TABLE learned_phrases (
  unit_id uuid NOT NULL REFERENCES units(id),
  procedure_code text NOT NULL,
  component_code text NOT NULL,
  phrase text NOT NULL,
  weight int NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (unit_id, procedure_code, component_code, phrase)
);

-- The reuse API looks records up by the owner's identifier.
ALTER TABLE records ADD COLUMN owner_identifier text;
CREATE INDEX records_owner ON records (owner_identifier) WHERE owner_identifier IS NOT NULL;

-- Down Migration
DROP INDEX records_owner;
ALTER TABLE records DROP COLUMN owner_identifier;
DROP TABLE learned_phrases;
DROP INDEX documents_review;
DROP INDEX documents_batch;
ALTER TABLE documents DROP COLUMN position, DROP COLUMN kind, DROP COLUMN procedure_code, DROP COLUMN title, DROP COLUMN confidence,
  DROP COLUMN runner_up, DROP COLUMN explanation, DROP COLUMN fields, DROP COLUMN needs_review, DROP COLUMN confirmed_by, DROP COLUMN confirmed_at, DROP COLUMN blank_page_ids, DROP COLUMN revision;
ALTER TABLE pages DROP COLUMN codes, DROP COLUMN role;
ALTER TABLE batches DROP COLUMN split_at;
ALTER TABLE dossiers DROP COLUMN code_source;
