/**
 * @sohoa/matching: a scanner batch → documents → dossier components, with the clerk in control.
 * Pure core (no I/O): the codes on a page arrive already read (@sohoa/ocr's decodeCodes); what they mean is decided here.
 */
export type {
  PageWord, DecodedCode, PageText, DossierCodeInfo, ComponentCandidate, LearnedPhrase, SplitDocument, SplitResult,
  MatchScore, MatchResult, ExtractedFields, ComponentState, CompletenessItem,
} from './types.ts';
export { formatDossierQr, type DossierQrPayload } from './dossier-code.ts';
export { dossierCodeOf } from './split.ts';
export { documentsFromPages, type DocumentsFromPagesOptions, type FoundDocument, type FoundDocuments } from './documents.ts';
export { matchDocument, learnedPhrasesFrom, AMBIGUOUS_MARGIN, REVIEW_THRESHOLD } from './match.ts';
export { candidateRole, documentKind, kindCompatibility, titleKind, subjectOf, type CandidateRole, type PaperKind } from './paper-kind.ts';
export { extractFields } from './fields.ts';
export { completeness } from './completeness.ts';
export { foldVietnamese } from './fold.ts';
export { candidatesFromCatalog, type CatalogLike } from './candidates.ts';
