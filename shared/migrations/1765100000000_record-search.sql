-- Up Migration
-- Full-text search of records (issue 10) in Vietnamese, typed with or without diacritics.
--
-- Words are folded (lower case, diacritics off, đ → d) by a text search configuration whose first dictionary is
-- unaccent: the same folding serves the stored vectors, the queries and ts_headline, which therefore marks the
-- words in the original text with their diacritics. The search vector is a stored generated column, so every
-- statement that writes a record's metadata or text also rewrites its vector, in that statement's transaction.

-- unaccent() is only STABLE (it reads its dictionary by name); indexes and generated columns need IMMUTABLE, so
-- the dictionary is named explicitly. đ/Đ are folded here too, whatever the unaccent rules file says about them.
CREATE FUNCTION sohoa_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(translate(public.unaccent('public.unaccent'::regdictionary, t), 'đĐ', 'dD'));

CREATE TEXT SEARCH CONFIGURATION sohoa (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION sohoa
  ALTER MAPPING FOR word, hword, hword_part, asciiword, asciihword, hword_asciipart, numword, numhword, hword_numpart
  WITH unaccent, simple;

-- What the record is called (weight A), who and which dossier it is about (B), and what its pages say (D).
-- Codes (dossier code, owner identifier, document number) are also kept whole, as one lexeme each, because the
-- parser cuts "000.00.00.H00-261121-0007" into pieces.
ALTER TABLE records
  ADD COLUMN procedure_code text GENERATED ALWAYS AS (nullif(metadata->>'procedureCode', '')) STORED,
  ADD COLUMN component_code text GENERATED ALWAYS AS (metadata->>'componentCode') STORED,
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('sohoa', coalesce(metadata->>'title', '') || ' ' || coalesce(metadata->>'componentName', '') || ' ' || coalesce(metadata->>'procedureName', '')), 'A')
    || setweight(to_tsvector('sohoa', coalesce(metadata->>'dossierCode', '') || ' ' || coalesce(metadata->>'ownerIdentifier', '') || ' ' || coalesce(metadata->>'documentNumber', '')
      || ' ' || coalesce(metadata->'fields'->>'fullName', '') || ' ' || coalesce(metadata->>'unitName', '')), 'B')
    || setweight(array_to_tsvector(array_remove(ARRAY[
         lower(nullif(metadata->>'dossierCode', '')), lower(nullif(metadata->>'ownerIdentifier', '')), lower(nullif(metadata->>'documentNumber', ''))
       ], NULL)), 'B')
    || setweight(to_tsvector('sohoa', text), 'D')
  ) STORED;

CREATE INDEX records_search ON records USING gin (search_vector);
-- Newest first is the cheap order: date sort, keyset pages, and the capped candidate set of a ranked search.
CREATE INDEX records_by_time ON records (created_at DESC, id DESC);
CREATE INDEX records_by_unit_time ON records (unit_id, created_at DESC, id DESC);
CREATE INDEX records_by_procedure ON records (procedure_code, component_code);
CREATE INDEX records_retain_until ON records (retain_until) WHERE retain_until IS NOT NULL;

-- Every word the records hold, once, with a trigram index: a query word found in no record is looked up here
-- among words one OCR slip away. Letters only: codes and numbers are matched exactly. Written by archive-api (search-words.repository.ts) in the transaction that
-- writes the record.
CREATE TABLE search_words (word text PRIMARY KEY);
CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops);
INSERT INTO search_words (word) SELECT DISTINCT lexeme FROM records, unnest(search_vector) WHERE lexeme ~ '^[a-z]+$' ON CONFLICT DO NOTHING;

-- Saved searches per person (circular 01/2019): owned by the caller who saved them, as actorOf names it.
CREATE TABLE saved_searches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner text NOT NULL,
  name text NOT NULL,
  query jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner, name)
);

-- Down Migration
DROP TABLE saved_searches, search_words;
DROP INDEX records_search, records_by_time, records_by_unit_time, records_by_procedure, records_retain_until;
ALTER TABLE records DROP COLUMN search_vector, DROP COLUMN component_code, DROP COLUMN procedure_code;
DROP TEXT SEARCH CONFIGURATION sohoa;
DROP FUNCTION sohoa_fold(text);
