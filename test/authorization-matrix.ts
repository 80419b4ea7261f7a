/**
 * The authorization matrix: for every route mounted on the app, what each kind of caller gets, on an object of
 * its own unit, of a unit below its own, and of another unit. test/authorization.test.ts makes a request for every
 * cell and fails on any route mounted without a row here.
 *
 * The callers (test/authorization.test.ts, callerFor):
 *   own   — the caller holds the role at ward A, the object is ward A's
 *   child — the caller holds the role at district D, the object is ward A's (A is below D)
 *   other — the caller holds the role at ward A, the object is ward B's (B is A's sibling)
 *   `system` is an API key holding every key scope (batches:read|write, dossiers:read, records:read, …) at
 *   exactly the caller's unit: a key reaches the units it lists, never the ones below them.
 *
 * Each cell is the HTTP status, or for a list: `listed` (200, the object is in it) / `hidden` (200, it is not).
 * Another unit's object answers 404, exactly as a missing one; a permission held nowhere answers 403.
 * An upload for a unit the caller cannot write is refused as an unknown unit is (422 unknown-unit), so that a
 * unit's existence does not leak through the upload form either.
 */
export const callerRoles = ['clerk', 'archivist', 'archive-lead', 'unit-admin', 'auditor', 'admin', 'system'] as const;
export type CallerRole = (typeof callerRoles)[number];
export const targets = ['own', 'child', 'other'] as const;
export type Target = (typeof targets)[number];
export type Expected = number | 'listed' | 'hidden';
export type Row = Record<CallerRole, readonly [own: Expected, child: Expected, other: Expected]>;

// Notation only: each says the three cells out loud.
const unitOnly = (ok: Expected, no: Expected = 404) => [ok, no, no] as const; // held at the unit, not below it
const subtree = (ok: Expected, no: Expected = 404) => [ok, ok, no] as const; // held at the unit and below it
const everywhere = (ok: Expected) => [ok, ok, ok] as const;
const forbidden = [403, 403, 403] as const;

/** Reads of a unit's objects: clerks their ward, archivists and leads their subtree, keys their listed units. */
const unitRead = (ok: Expected, no: Expected = 404): Row => ({
  clerk: unitOnly(ok, no), archivist: subtree(ok, no), 'archive-lead': subtree(ok, no),
  'unit-admin': forbidden, auditor: forbidden, admin: everywhere(ok), system: unitOnly(ok, no),
});
/** The clerk's corrections: the ward's clerks (and admins); no archivist, no key. */
const clerkEdit = (ok: number): Row => ({
  clerk: unitOnly(ok), archivist: forbidden, 'archive-lead': forbidden, 'unit-admin': forbidden, auditor: forbidden, admin: everywhere(ok), system: forbidden,
});
/** Signing certificates: the unit-admins of the unit or a unit above it (and admins). */
const certificateAdmin = (ok: number): Row => ({
  clerk: forbidden, archivist: forbidden, 'archive-lead': forbidden, 'unit-admin': subtree(ok), auditor: forbidden, admin: everywhere(ok), system: forbidden,
});
const anyone: Row = Object.fromEntries(callerRoles.map((r) => [r, everywhere(200)])) as Row;

export const authorizationMatrix: Record<string, Row> = {
  'GET /healthz': anyone,
  'GET /readyz': anyone,

  'POST /api/v1/batches': {
    clerk: unitOnly(202, 422), archivist: forbidden, 'archive-lead': forbidden, 'unit-admin': forbidden, auditor: forbidden,
    admin: everywhere(202), system: unitOnly(202, 422),
  },
  'GET /api/v1/batches/:id': unitRead(200),
  'GET /api/v1/quarantine': unitRead('listed', 'hidden'),
  'GET /api/v1/quarantine/:id/file': unitRead(200),

  'GET /api/v1/records/:id': unitRead(200),
  'GET /api/v1/records/:id/pdf': unitRead(200),
  'GET /api/v1/records/:id/verify': unitRead(200),

  'GET /api/v1/dossiers/:code': unitRead(200),
  'GET /api/v1/review': unitRead('listed', 'hidden'),
  'GET /api/v1/documents/:id': unitRead(200),
  'PUT /api/v1/documents/:id/component': clerkEdit(200),
  'POST /api/v1/documents/:id/merge': clerkEdit(200),
  'POST /api/v1/documents/:id/split': clerkEdit(200),
  'PUT /api/v1/documents/:id/pages': clerkEdit(200),
  'POST /api/v1/pages/:id/rotate': clerkEdit(200),

  'POST /api/v1/catalog': {
    clerk: forbidden, archivist: forbidden, 'archive-lead': forbidden, 'unit-admin': forbidden, auditor: forbidden,
    admin: everywhere(200), // the sample catalog again: the same version, 200 (global: the target does not matter)
    system: forbidden,
  },

  'GET /api/v1/units/:code/certificates': certificateAdmin(200),
  'POST /api/v1/units/:code/certificates': certificateAdmin(201),
  'POST /api/v1/certificates/:id/revoke': certificateAdmin(200),

  // Public (no key, no session): the way to a session through a central sign-on. The matrix's app has no OIDC_*
  // settings, so both answer 404 to everyone; test/oidc.test.ts signs in through a real provider.
  'GET /api/v1/session/oidc': Object.fromEntries(callerRoles.map((r) => [r, everywhere(404)])) as Row,
  'GET /api/v1/session/oidc/callback': Object.fromEntries(callerRoles.map((r) => [r, everywhere(404)])) as Row,
};
