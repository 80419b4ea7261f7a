/**
 * The public HTTP API, as the UI uses it: the same routes and answers other systems get (/api/v1, its OpenAPI
 * document at /api/docs). Signed in, the browser sends the session cookie; every write also sends X-CSRF-Token.
 */
export interface Unit { code: string; name: string; parent: string | null; kind: string | null; depth: number }
export interface WhoAmI {
  kind: 'person' | 'key' | 'token'; name: string; admin: boolean; permissions: string[]; units: Unit[];
  person?: { id: string; username: string; displayName: string; unit: string | null };
  roles?: { role: string; unit: string | null }[];
  csrfToken?: string;
}
export interface FileView {
  id: string; name: string; status: string; error: string | null; pages: number | null; blankPages: number; pagesDone: number; pagesFailed: number;
  quarantine?: { id: string; reason: string; reasonCode: string | null; quarantinedAt: string; download: string } | null;
}
export interface DocumentView {
  id: string; position: number; kind: 'document' | 'receipt'; status: string; error: string | null; pages: number; title: string | null;
  procedure: string | null; component: string | null; confidence: number | null; needsReview: boolean; recordId: string | null;
}
export interface BatchView {
  id: string; status: 'queued' | 'processing' | 'done' | 'failed'; unit: string; dossier: string; procedure: string | null; createdAt: string;
  error: string | null; waitingForReview: number; files: FileView[]; documents: DocumentView[];
  failures: { kind: 'batch' | 'file' | 'page' | 'document'; id: string; error: string | null; reasonCode: string | null; file?: string; page?: number }[];
}
/** A document as the review and dossier routes answer it (GET /review, /dossiers/:code, /documents/:id). */
export interface ClerkDocument {
  id: string; position: number; kind: 'document' | 'receipt'; status: string; pages: string[]; title: string | null;
  procedure: string | null; component: string | null; confidence: number | null;
  runnerUp: { procedureCode: string; componentCode: string; confidence: number } | null;
  needsReview: boolean; confirmedBy: string | null; fields: Record<string, unknown>; explanation: string[];
  recordId: string | null; error: string | null; batch: string; dossier: string; lowConfidencePages: string[];
  /** Blank back sides dropped from the document. */
  blankPages: string[];
}
export interface Dossier {
  code: string; codeSource: string; unit: string; unitName: string; procedure: string | null; procedureName: string | null;
  ownerIdentifier: string | null; receivedAt: string; dueAt: string | null; status: string; documents: ClerkDocument[];
  completeness: { code: string; name: string; required: boolean; state: 'present' | 'missing' | 'uncertain'; documentIds: string[] }[] | null;
  missing: string[]; uncertain: string[];
}
export interface Verification {
  recordId: string; valid: boolean; problems: string[]; text: string;
  signatures: {
    field: string; signer: string; signingTime: string | null; subFilter: string; integrity: boolean; chainTrusted: boolean;
    validAtSigningTime: boolean; coversWholeDocument: boolean; problems: string[];
    timestamp: { time: string | null; authority: string; valid: boolean; problems: string[] } | null;
  }[];
}
export interface Procedure { code: string; name: string; level: string | null; components: { code: string; name: string; required: boolean }[] }

export interface FacetCount { value: string; count: number }
export interface SearchHit {
  id: string; title: string | null; dossier: string | null; component: string | null; unit: string; retainUntil: string | null; onHold: boolean;
  /** `text` is HTML-escaped by the server, with the words found in <mark>. */
  snippets: { page: number; text: string }[];
}
export interface SearchResult {
  items: SearchHit[];
  facets: { unit: FacetCount[]; procedure: FacetCount[]; component: FacetCount[]; year: FacetCount[]; counted: number; complete: boolean };
  next: string | null;
}
export interface SavedSearch { id: string; name: string; query: Record<string, unknown>; createdAt: string }
export interface RecordView {
  id: string; kind: 'document' | 'disposition-minute'; pages: number; retentionYears: number | null; retainUntil: string | null; permanent: boolean;
  retentionProvisional: boolean; legalHold: boolean; onHold: boolean; disposedAt: string | null; createdAt: string; sha256: string;
  metadata: { title: string; dossierCode?: string; procedureCode?: string; componentCode?: string | null; componentName?: string | null; unitCode: string; unitName?: string; ownerIdentifier?: string | null; documentNumber?: string | null };
}
export interface Hold { id: string; scope: 'record' | 'dossier' | 'records'; reason: string; reference: string; placedBy: string; placedAt: string }

/** An archival file (hồ sơ lưu trữ) under the field names of circular 02/2019: FileCode, Title, Maintenance, … */
export type FileDescription = Record<string, string | number | null> & { FileCode: string; Title: string; Maintenance: string };
export interface ArchivalFile {
  id: string; dossierId: string; unitId: string; closedAt: string; closedBecause: 'result-issued' | 'closed'; description: FileDescription;
  documents: { recordId: string; description: { DocCode: string | null; DocOrdinal: number | null; TypeName: string; Subject: string; PageAmount: number } }[];
}
export interface FieldChange { field: string; old: unknown; new: unknown }
export interface FileHistoryItem { at: string; actor: string; action: 'file.closed' | 'file.described'; changes: FieldChange[]; because: string | null }
export interface DueRecord { id: string; unitId: string; dossier: string | null; title: string | null; retainUntil: string; dueSince: string; proposed: boolean }
export type ListStatus = 'proposed' | 'approved' | 'rejected' | 'executed';
export interface DispositionSummary {
  id: string; unit: string; status: ListStatus; note: string | null; proposedBy: string; proposedAt: string; decidedBy: string | null; decidedAt: string | null;
  decisionReason: string | null; executedAt: string | null; minute: string | null; itemCount: number;
}
export interface DispositionList extends Omit<DispositionSummary, 'itemCount'> {
  items: { record: string; decision: 'pending' | 'dispose' | 'keep'; reviewAfter: string | null; keepReason: string | null; outcome: 'disposed' | 'skipped-held' | 'skipped-retained' | 'skipped-kept' | null }[];
}
export interface Tombstone {
  record: string; unit: string; sha256: string; size: number; metadata: Record<string, unknown>; list: string; proposedBy: string; approvedBy: string;
  approvedAt: string; disposedAt: string;
}

/** An error answer {"error": {code, message, fields?}}, or the network failing (status 0). `fields`: each refused field's reason. */
export type FixityStatus = 'intact' | 'mismatch' | 'missing' | 'signature-broken';
export interface FixityRun {
  id: string; trigger: 'schedule' | 'request'; requestedBy: string; unitIds: string[] | null; status: 'running' | 'done'; cursor: string | null;
  checked: number; failed: number; bytes: number; workingSeconds: number; startedAt: string; finishedAt: string | null;
}
export interface FixityReport {
  counts: Record<FixityStatus | 'unchecked', number>;
  items: { record: string; unit: string; status: FixityStatus | null; checkedAt: string | null; run: string | null; detail: Record<string, unknown> }[];
  next: string | null; runs: FixityRun[];
}
export interface AuditEvent { id: string; seq: number; at: string; actor: string; action: string; subjectType: string; subjectId: string; detail: Record<string, unknown> }
export interface ChainReport {
  intact: boolean; rows: number; last: { seq: number; hash: string; at: string } | null;
  storedHead: { seq: number; hash: string; at: string; key: string } | null;
  problems: { kind: string; seq: number | null; id: string | null; message: string }[]; problemCount: number;
}
export interface ExportView {
  id: string; kind: 'file' | 'fonds' | 'search'; status: 'queued' | 'running' | 'done' | 'failed'; requestedBy: string; createdAt: string;
  finishedAt: string | null; size: number | null; payloadFiles: number | null; error: string | null; download: string | null;
}
export interface DigitizationRow {
  unit: string; unitName: string; period: string; received: number; componentsDigitized: number; resultsDigitized: number; reused: number;
  rate: number | null; resultsRate: number | null; reuseRate: number | null; target: number; met: boolean | null;
}
export const pipelineStages = ['ocr', 'review', 'building', 'signing', 'archiving'] as const;
export interface PipelineRow {
  unit: string; unitName: string; waiting: Record<(typeof pipelineStages)[number], number>; archived: { hour: string; pages: number }[]; pagesPerHour: number;
}
export interface Certificate {
  id: string; role: 'unit' | 'officer'; active: boolean; subject: string; holderName: string | null; notAfter: string;
  status: { state: 'valid' | 'expiring' | 'expired' | 'not-yet-valid' | 'revoked'; daysLeft: number; maySign: boolean; warning: string | null };
}

/** An error answer {"error": {code, message}}, or the network failing (status 0). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfter: number | null = null, readonly fields: { field: string; message: string }[] = []) {
    super(message);
  }
}

let csrfToken: string | null = null;
/** Called when a request finds the session gone (401), so that the app goes back to the sign-in screen. */
let onSignedOut: () => void = () => {};
export const whenSignedOut = (handler: () => void) => void (onSignedOut = handler);

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const retry = Number(res.headers.get('Retry-After'));
    const err = new ApiError(res.status, json?.error?.code ?? 'error', json?.error?.message ?? res.statusText, Number.isFinite(retry) && retry > 0 ? retry : null,
      Array.isArray(json?.error?.fields) ? json.error.fields : []);
    if (res.status === 401 && path !== '/session') onSignedOut();
    throw err;
  }
  return json as T;
}

/** A file the API answers (the record's PDF), as bytes; errors as `call` says them. */
async function bytes(path: string): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (!res.ok) {
    const json = await res.json().catch(() => null);
    if (res.status === 401) onSignedOut();
    throw new ApiError(res.status, json?.error?.code ?? 'error', json?.error?.message ?? res.statusText);
  }
  return res.arrayBuffer();
}

const remember = (who: WhoAmI) => {
  csrfToken = who.csrfToken ?? null;
  return who;
};

export const api = {
  signIn: async (username: string, password: string) => remember(await call<WhoAmI>('POST', '/session', { username, password })),
  /** Who is signed in, or null. */
  session: async () => {
    try {
      return remember(await call<WhoAmI>('GET', '/session'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    }
  },
  signOut: async () => {
    await call<void>('DELETE', '/session');
    csrfToken = null;
  },
  batchesSince: (since: Date) => call<{ batches: BatchView[] }>('GET', `/batches?since=${encodeURIComponent(since.toISOString())}`),
  procedures: () => call<{ version: number | null; procedures: Procedure[] }>('GET', '/catalog/procedures'),
  review: () => call<{ documents: ClerkDocument[] }>('GET', '/review'),
  dossier: (code: string) => call<Dossier>('GET', `/dossiers/${encodeURIComponent(code)}`),
  setComponent: (id: string, component: string, procedure?: string) =>
    call<ClerkDocument>('PUT', `/documents/${id}/component`, procedure ? { component, procedure } : { component }),
  rotate: (pageId: string, degrees: 90 | 180 | 270) => call<{ documents: ClerkDocument[] }>('POST', `/pages/${pageId}/rotate`, { degrees }),
  merge: (id: string, other: string) => call<{ documents: ClerkDocument[] }>('POST', `/documents/${id}/merge`, { document: other }),
  split: (id: string, atPage: number) => call<{ documents: ClerkDocument[] }>('POST', `/documents/${id}/split`, { atPage }),
  reorder: (id: string, pages: string[]) => call<{ documents: ClerkDocument[] }>('PUT', `/documents/${id}/pages`, { pages }),
  /** Takes back a confirmation before the document is built: it waits for review again. */
  reopen: (id: string) => call<ClerkDocument>('POST', `/documents/${id}/reopen`),
  /** `version` changes the address after a rotation, so the browser asks for the turned image. */
  thumbnailUrl: (pageId: string, version = 0) => `/api/v1/pages/${pageId}/thumbnail${version ? `?v=${version}` : ''}`,
  verify: (recordId: string) => call<Verification>('GET', `/records/${recordId}/verify`),
  pdfUrl: (recordId: string) => `/api/v1/records/${recordId}/pdf`,
  /** The signed PDF itself, for the viewer (GET /records/:id/pdf with the session). */
  recordPdf: (recordId: string) => bytes(`/records/${encodeURIComponent(recordId)}/pdf`),
  search: (params: Record<string, string>) => call<SearchResult>('GET', `/records?${new URLSearchParams(params)}`),
  savedSearches: () => call<{ searches: SavedSearch[] }>('GET', '/saved-searches'),
  saveSearch: (name: string, query: Record<string, string>) => call<SavedSearch>('POST', '/saved-searches', { name, query }),
  record: (id: string) => call<RecordView>('GET', `/records/${encodeURIComponent(id)}`),
  holds: (id: string) => call<{ holds: Hold[] }>('GET', `/records/${encodeURIComponent(id)}/holds`),
  placeHold: (id: string, reason: string, reference: string) => call<Hold>('POST', `/records/${encodeURIComponent(id)}/hold`, { reason, reference }),
  liftHold: (id: string, reason: string) => call<unknown>('DELETE', `/records/${encodeURIComponent(id)}/hold`, { reason }),
  deleteRecord: (id: string) => call<void>('DELETE', `/records/${encodeURIComponent(id)}`),
  archivalFile: (id: string) => call<ArchivalFile>('GET', `/archival-files/${encodeURIComponent(id)}`),
  editFile: (id: string, edit: Record<string, unknown>) => call<{ description: FileDescription; changes: FieldChange[] }>('PATCH', `/archival-files/${encodeURIComponent(id)}`, edit),
  fileHistory: (id: string) => call<{ items: FileHistoryItem[] }>('GET', `/archival-files/${encodeURIComponent(id)}/history`),
  recordDescription: (id: string) => call<{ recordId: string; filed: boolean; fileId: string | null }>('GET', `/records/${encodeURIComponent(id)}/description`),
  placeDossierHold: (code: string, reason: string, reference: string) => call<Hold>('POST', `/dossiers/${encodeURIComponent(code)}/hold`, { reason, reference }),
  liftDossierHold: (code: string, reason: string) => call<unknown>('DELETE', `/dossiers/${encodeURIComponent(code)}/hold`, { reason }),
  due: () => call<{ items: DueRecord[] }>('GET', '/disposition/due'),
  dispositionLists: (status?: ListStatus) => call<{ items: DispositionSummary[] }>('GET', `/disposition/lists${status ? `?status=${status}` : ''}`),
  dispositionList: (id: string) => call<DispositionList>('GET', `/disposition/lists/${encodeURIComponent(id)}`),
  propose: (records: string[], note: string) => call<DispositionList>('POST', '/disposition/lists', note ? { records, note } : { records }),
  /** `keep`: records of the list kept instead, each until its review date. */
  approve: (id: string, reason: string, keep: { record: string; reviewAfter: string }[] = []) =>
    call<DispositionList>('POST', `/disposition/lists/${encodeURIComponent(id)}/approve`, { ...(reason ? { reason } : {}), ...(keep.length ? { keep } : {}) }),
  reject: (id: string, reason: string, reviewAfter: string) => call<DispositionList>('POST', `/disposition/lists/${encodeURIComponent(id)}/reject`, { reason, reviewAfter }),
  tombstone: (id: string) => call<Tombstone>('GET', `/records/${encodeURIComponent(id)}/tombstone`),
  upload: (form: FormData) => call<{ id: string; dossier: string }>('POST', '/batches', form),
  fixity: () => call<FixityReport>('GET', '/fixity?limit=20'),
  startFixityRun: () => call<FixityRun>('POST', '/fixity/runs', {}),
  audit: (cursor?: string) => call<{ items: AuditEvent[]; next: string | null }>('GET', `/audit?limit=15${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  verifyAudit: () => call<ChainReport>('GET', '/audit/verify'),
  exportFonds: (unit: string) => call<{ id: string }>('POST', '/exports', { kind: 'fonds', unit }),
  exportState: (id: string) => call<ExportView>('GET', `/exports/${encodeURIComponent(id)}`),
  /** The fonds' description as XML, or the inventory of its files as a spreadsheet (downloaded by the browser). */
  fondsDescriptionUrl: (unit: string, format: 'xml' | 'xlsx') => `/api/v1/fonds/${encodeURIComponent(unit)}/description?format=${format}`,
  digitization: (from: string, to: string) => call<{ rows: DigitizationRow[] }>('GET', `/reports/digitization?from=${from}&to=${to}&groupBy=month`),
  pipeline: () => call<{ rows: PipelineRow[] }>('GET', '/reports/pipeline'),
  certificates: (unit: string) => call<{ unit: { code: string; name: string }; certificates: Certificate[]; warnings: string[] }>('GET', `/units/${encodeURIComponent(unit)}/certificates`),
};
