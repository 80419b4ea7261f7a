/**
 * The shapes the matching core works on. Structural on purpose: the OCR stage's words are described
 * here, not imported, so that this core depends on nothing but plain data.
 */

/** A word as the OCR stage stores it; `line` is the reading-order line number on its page. */
export interface PageWord {
  text: string;
  confidence: number;
  box: { x0: number; y0: number; x1: number; y1: number };
  line: number;
}

/** A QR code or barcode found on a page. */
export interface DecodedCode {
  format: string;
  text: string;
}

export interface PageText {
  pageId: string;
  blank: boolean;
  width: number;
  height: number;
  text: string;
  words: PageWord[];
  codes: DecodedCode[];
}

/** What a receipt's or separator's code says about the dossier. */
export interface DossierCodeInfo {
  dossierCode: string;
  procedureCode?: string;
  ownerIdentifier?: string;
  documentName?: string;
  raw: string;
}

/** One paper a procedure expects (component) or issues (result). */
export interface ComponentCandidate {
  procedureCode: string;
  code: string;
  name: string;
  kind: 'component' | 'result';
  required: boolean;
  /** Other titles it is known by (catalog aliases). */
  aliases?: string[];
  /** Numbers of the printed forms it comes on ("Mẫu số 01 Phụ lục II"). */
  formNumbers?: string[];
}

/** What clerks' confirmations taught: a folded phrase (usually the title line) seen on a component's papers. */
export interface LearnedPhrase {
  procedureCode: string;
  componentCode: string;
  /** Folded with foldVietnamese. */
  phrase: string;
  /** How many confirmations stand behind it. */
  weight: number;
}

export interface SplitDocument {
  pageIds: string[];
  kind: 'document' | 'receipt';
  title: string | null;
}

export interface SplitResult {
  documents: SplitDocument[];
  separatorPageIds: string[];
  blankPageIds: string[];
  dossier: DossierCodeInfo | null;
}

export interface MatchScore {
  procedureCode: string;
  componentCode: string;
  confidence: number;
}

export interface MatchResult {
  procedureCode: string | null;
  componentCode: string | null;
  /** 0..1; at or above REVIEW_THRESHOLD (and clear of the runner-up) the match is assigned without review. */
  confidence: number;
  runnerUp: MatchScore | null;
  needsReview: boolean;
  /** Too close to the runner-up to assign whatever the threshold (part of needsReview). */
  ambiguous?: boolean;
  /** The title line found, as read. */
  title: string | null;
  /** Why, in words. */
  explanation: string[];
}

export interface ExtractedFields {
  /** The owner's 12-digit identification number: the first one on the paper. */
  ownerIdentifier: string | null;
  identifiers: string[];
  /** The owner's full name: the first labelled name on the paper. */
  fullName: string | null;
  names: string[];
  /** ISO yyyy-mm-dd, in order of appearance, no duplicates. */
  dates: string[];
  documentNumber: string | null;
}

export type ComponentState = 'present' | 'missing' | 'uncertain';

export interface CompletenessItem {
  code: string;
  name: string;
  required: boolean;
  state: ComponentState;
  documentIds: string[];
}
