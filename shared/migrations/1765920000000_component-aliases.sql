-- Up Migration
-- Papers at counters seldom carry the catalog's name as their title: a component or result may list the other
-- titles it is known by (aliases) and the numbers of the printed forms it comes on ("Mẫu số 01", "Phụ lục III-1").
-- The matcher reads them with the candidates; a catalog without them stores empty lists.
ALTER TABLE components ADD COLUMN aliases text[] NOT NULL DEFAULT '{}';
ALTER TABLE components ADD COLUMN form_numbers text[] NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE components DROP COLUMN form_numbers;
ALTER TABLE components DROP COLUMN aliases;
