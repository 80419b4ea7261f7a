export { archiveRecordJob, type ArchiveJobDeps } from './archive.job.ts';
export { reclassifyRecordJob, type ReclassifyJobDeps } from './reclassify.job.ts';
export { loadRecord } from './record.repository.ts';
export { recordMetadata, objectMetadata } from './record-metadata.ts';
export { searchRecords, DEFAULT_CANDIDATE_CAP, type SearchOptions, type SearchFilters, type SearchResult, type SearchItem, type SearchFacets } from './search.repository.ts';
export { parseQuery, fold, tsQueries, type Term } from './search-query.ts';
export { addAllRecordWords } from './search-words.repository.ts';
export { saveSearch, savedSearches, deleteSavedSearch, type SavedSearch } from './saved-search.repository.ts';
