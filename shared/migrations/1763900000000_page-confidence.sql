-- Up Migration
-- Pages the recognizer was unsure of, shown to the clerk beside the document (issue 3: flag low-confidence pages).
ALTER TABLE pages ADD COLUMN low_confidence boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE pages DROP COLUMN low_confidence;
