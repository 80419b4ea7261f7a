-- Up Migration
-- Filters without words (unit, procedure, dates) answered from the index alone: the page and the facets of the
-- newest 1000 read unit, procedure, component and time from here, never the ~3 kB record row (an index-only scan;
-- disposed records are outside it, as search never shows them). bench:search at 1 M records: bench/results/search.md.
CREATE INDEX records_search_filters ON records (unit_id, procedure_code, created_at DESC, id DESC) INCLUDE (component_code) WHERE disposed_at IS NULL;

-- Down Migration
DROP INDEX records_search_filters;
