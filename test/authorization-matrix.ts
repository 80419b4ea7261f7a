/**
 * The authorization matrix: for every route mounted on the app, what each kind of caller gets, on an object of
 * its own unit, of a unit below its own, and of another unit. test/authorization.test.ts makes a request for every
 * cell and fails on any route mounted without a row here.
 *
 * The callers are real identities (test/authorization.test.ts, callerFor): a person made by the accounts service,
 * holding the one role at one unit and signed in through POST /api/v1/session (cookie + X-CSRF-Token), or for
 * `system` an API key holding every key scope (batches:read|write, dossiers:read, records:read, …) at exactly one
 * unit: a key reaches the units it lists, never the ones below them. `admin` holds the admin role (no unit).
 *   own   — the caller sits at ward A, the object is ward A's
 *   child — the caller sits at district D, the object is ward A's (A is below D)
 *   other — the caller sits at ward A, the object is ward B's (B is A's sibling)
 *
 * Each cell is the HTTP status, or for a list: `listed` (200, the object is in it) / `hidden` (200, it is not).
 * Another unit's object answers 404, exactly as a missing one; a permission held nowhere answers 403.
 * An upload for a unit the caller cannot write is refused as an unknown unit is (422 unknown-unit), so that a
 * unit's existence does not leak through the upload form either; nor does a dossier's (422, as for a dossier code
 * of another agency). A row whose key adds ` — …` to a route is a second request to the same route.
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
/** What only some roles hold (shared/src/access.ts roleGrants), each at its unit and below: the rest 403. */
const heldBy = (holders: readonly CallerRole[], ok: Expected, no: Expected = 404): Row =>
  Object.fromEntries(callerRoles.map((r) => [r, r === 'admin' ? everywhere(ok) : holders.includes(r) ? subtree(ok, no) : forbidden])) as Row;
/** Describing, holding, exporting (records:describe, holds:place, exports:write): archivists and archive leads. */
const archiveWork = (ok: Expected) => heldBy(['archivist', 'archive-lead'], ok);
/** Lifting holds, deciding a disposition list (holds:lift, disposition:approve): the archive lead only. */
const leadOnly = (ok: Expected) => heldBy(['archive-lead'], ok);
/** Proposing disposition (disposition:propose): the archivist only; the lead decides what others propose. */
const proposerOnly = (ok: Expected, no: Expected = 404) => heldBy(['archivist'], ok, no);
/** People, keys, webhooks and signing certificates (people|keys|webhooks|certificates:manage): the unit-admins of the unit or above. */
const unitAdmin = (ok: Expected, no: Expected = 404) => heldBy(['unit-admin'], ok, no);
/** The audit trail (audit:read): auditors of the unit or above. */
const auditTrail = (ok: Expected, no: Expected = 404) => heldBy(['auditor'], ok, no);
/** Global work (units, the catalog): admin only, whichever unit it names. */
const adminOnly = (ok: Expected) => heldBy([], ok);
/** Reads where the records' readers or the trail's (records:read or audit:read) may look: fixity. */
const recordsOrTrail = (ok: Expected, no: Expected = 404): Row => ({ ...unitRead(ok, no), auditor: subtree(ok, no) });
/** The same answer for every caller and target: the route concerns no unit's object. */
const anyone = (status: Expected): Row => Object.fromEntries(callerRoles.map((r) => [r, everywhere(status)])) as Row;
/** A person's own session: any person; a key has none. */
const persons = (status: number, key: number): Row => ({ ...anyone(status), system: everywhere(key) });
/** Every caller that may read records anywhere, whatever unit the request names. */
const recordReaders = (status: number): Row => ({ ...anyone(status), 'unit-admin': forbidden, auditor: forbidden });

/**
 * Routes that concern no unit's object: the answer is the same for every target (a clerk of ward A gets from them
 * nothing about ward B). The ward isolation test holds every other route to 403/404/422/hidden for ward B.
 */
export const unitFree = new Set([
  'GET /healthz', 'GET /readyz', 'GET /api/v1/openapi.json', 'GET /api/docs', 'GET /api/docs/:asset',
  'POST /api/v1/session', 'GET /api/v1/session', 'DELETE /api/v1/session', 'PUT /api/v1/session/password',
  'GET /api/v1/session/oidc', 'GET /api/v1/session/oidc/callback',
  'GET /api/v1/audit/verify', 'POST /api/v1/audit/heads', 'POST /api/v1/catalog', 'GET /api/v1/catalog/procedures',
  'GET /api/v1/saved-searches', 'POST /api/v1/saved-searches', 'DELETE /api/v1/saved-searches/:id',
]);

export const authorizationMatrix: Record<string, Row> = {
  'GET /healthz': anyone(200),
  'GET /readyz': anyone(200),
  // The API's description and its docs page: public, shapes only.
  'GET /api/v1/openapi.json': anyone(200),
  'GET /api/docs': anyone(200),
  'GET /api/docs/:asset': anyone(200),

  // Sign-in is open to anyone (with a person's credentials); the session is the caller's own.
  'POST /api/v1/session': anyone(201),
  'GET /api/v1/session': anyone(200),
  'DELETE /api/v1/session': persons(204, 400), // a key signs nothing out: 400 no-session
  'PUT /api/v1/session/password': persons(204, 403),

  'POST /api/v1/batches': {
    clerk: unitOnly(202, 422), archivist: forbidden, 'archive-lead': forbidden, 'unit-admin': forbidden, auditor: forbidden,
    admin: everywhere(202), system: unitOnly(202, 422),
  },
  // Into the caller's own unit, naming the target's dossier: another unit's dossier is refused exactly as a dossier
  // code of another agency that does not exist (a dossier code begins with its unit's agency code).
  'POST /api/v1/batches — into the caller\'s unit, with the target\'s dossier code': {
    clerk: unitOnly(202, 422), archivist: forbidden, 'archive-lead': forbidden, 'unit-admin': forbidden, auditor: forbidden,
    admin: unitOnly(202, 422), system: unitOnly(202, 422),
  },
  'GET /api/v1/catalog/procedures': anyone(200),
  'GET /api/v1/batches': unitRead('listed', 'hidden'),
  'GET /api/v1/batches/:id': unitRead(200),
  'GET /api/v1/quarantine': unitRead('listed', 'hidden'),
  'GET /api/v1/quarantine/:id/file': unitRead(200),

  'GET /api/v1/records': unitRead('listed', 'hidden'), // search: only the units where the caller reads records
  'GET /api/v1/saved-searches': anyone(200), // the caller's own
  'POST /api/v1/saved-searches': recordReaders(201),
  'DELETE /api/v1/saved-searches/:id': anyone(204), // the caller's own (another's: 404, the ward test)
  'GET /api/v1/records/:id': unitRead(200),
  'GET /api/v1/records/:id/pdf': unitRead(200),
  'GET /api/v1/records/:id/verify': unitRead(200),
  'DELETE /api/v1/records/:id': unitRead(409), // never deleted, admin neither: the reason for those who see it

  // Reuse (reuse:read): other systems' keys within their listed units, and admin; no role of a person holds it.
  'GET /api/v1/reuse/results': { ...heldBy([], 'listed', 'hidden'), system: unitOnly('listed', 'hidden') },
  'GET /api/v1/reuse/results/:recordId/pdf': { ...heldBy([], 200), system: unitOnly(200) },

  'GET /api/v1/dossiers/:code': unitRead(200),
  'GET /api/v1/dossiers/:code/completeness': unitRead(200),
  'POST /api/v1/dossiers/:code/reused': clerkEdit(200), // the record taken: the unit's own (what the clerk reads)
  'GET /api/v1/review': unitRead('listed', 'hidden'),
  'GET /api/v1/documents/:id': unitRead(200),
  'PUT /api/v1/documents/:id/component': clerkEdit(200),
  'POST /api/v1/documents/:id/merge': clerkEdit(200),
  'POST /api/v1/documents/:id/split': clerkEdit(200),
  'PUT /api/v1/documents/:id/pages': clerkEdit(200),
  'POST /api/v1/pages/:id/rotate': clerkEdit(200),
  'POST /api/v1/documents/:id/reopen': clerkEdit(200), // the undo of a confirmation, before the build
  'GET /api/v1/pages/:id/thumbnail': unitRead(200), // as the dossier it shows a page of

  'POST /api/v1/catalog': adminOnly(200), // the sample catalog again: the same version, 200

  // Archival description.
  'POST /api/v1/dossiers/:code/close': archiveWork(200),
  'GET /api/v1/archival-files/:id': unitRead(200),
  'PATCH /api/v1/archival-files/:id': archiveWork(200),
  'GET /api/v1/archival-files/:id/description': unitRead(200),
  'GET /api/v1/archival-files/:id/history': unitRead(200),
  'GET /api/v1/records/:id/description': unitRead(200),
  'PATCH /api/v1/records/:id/description': archiveWork(200),
  'GET /api/v1/fonds/:unit/description': unitRead(200),

  // Exports: a record's bag carries its audit trail (records:read and audit:read: no role but admin holds both).
  'GET /api/v1/records/:id/bag': adminOnly(200),
  'POST /api/v1/exports': archiveWork(202),
  'GET /api/v1/exports/:id': archiveWork(200),
  'GET /api/v1/exports/:id/bag': archiveWork(200),

  // Legal holds: archivists and leads place them, only the lead lifts them.
  'POST /api/v1/records/:id/hold': archiveWork(201),
  'DELETE /api/v1/records/:id/hold': leadOnly(200),
  'GET /api/v1/records/:id/holds': unitRead(200),
  'POST /api/v1/dossiers/:code/hold': archiveWork(201),
  'DELETE /api/v1/dossiers/:code/hold': leadOnly(200),
  'POST /api/v1/holds': archiveWork(201),
  'DELETE /api/v1/holds/:id': leadOnly(200),

  // Disposition: the archivist proposes, the archive lead (never the proposer) decides.
  'GET /api/v1/disposition/due': proposerOnly('listed', 'hidden'),
  'POST /api/v1/disposition/lists': proposerOnly(201),
  'GET /api/v1/disposition/lists/:id': unitRead(200),
  'GET /api/v1/disposition/lists': unitRead('listed', 'hidden'),
  'POST /api/v1/disposition/lists/:id/approve': leadOnly(200),
  'POST /api/v1/disposition/lists/:id/reject': leadOnly(200),
  'GET /api/v1/records/:id/tombstone': unitRead(200),

  // Fixity: a report for the records' readers and the trail's.
  'GET /api/v1/fixity': recordsOrTrail('listed', 'hidden'),
  'POST /api/v1/fixity/runs': unitRead(202), // starting one reads records: records:read
  'GET /api/v1/fixity/runs/:id': recordsOrTrail(200),

  // The audit trail: auditors (and admins) only; verifying and checkpointing the chain concern no unit.
  'GET /api/v1/audit': auditTrail('listed', 'hidden'),
  'GET /api/v1/audit/verify': { ...adminOnly(200), auditor: everywhere(200) },
  'POST /api/v1/audit/heads': { ...adminOnly(200), auditor: everywhere(200) },

  // Reports: the digitization rate of a unit (its subtree rolled up) for its unit-admins, archivists, archive leads
  // and auditors of the unit or above, and keys with reports:read at it; its target is set from above only.
  'GET /api/v1/reports/digitization': { ...heldBy(['archivist', 'archive-lead', 'unit-admin', 'auditor'], 200), system: unitOnly(200) },
  'GET /api/v1/reports/pipeline': { ...heldBy(['archivist', 'archive-lead', 'unit-admin', 'auditor'], 200), system: unitOnly(200) },
  'PUT /api/v1/units/:code/digitization-target': { ...adminOnly(200), 'unit-admin': [403, 200, 403] }, // a ward has nothing below it

  // Units, people and keys: units are the admin's; people and keys the unit-admins' of the unit or above.
  'GET /api/v1/units': { // the units where the caller holds anything
    clerk: unitOnly('listed', 'hidden'), archivist: subtree('listed', 'hidden'), 'archive-lead': subtree('listed', 'hidden'),
    'unit-admin': subtree('listed', 'hidden'), auditor: subtree('listed', 'hidden'), admin: everywhere('listed'), system: unitOnly('listed', 'hidden'),
  },
  'POST /api/v1/units': adminOnly(201),
  'POST /api/v1/units/import': adminOnly(200),
  'GET /api/v1/people': unitAdmin('listed', 'hidden'),
  'POST /api/v1/people': unitAdmin(201),
  'GET /api/v1/people/:id': unitAdmin(200),
  'POST /api/v1/people/:id/disable': unitAdmin(200),
  'POST /api/v1/people/:id/reset-password': unitAdmin(200),
  'POST /api/v1/people/:id/roles': unitAdmin(200),
  'POST /api/v1/people/:id/roles/revoke': unitAdmin(200),
  'GET /api/v1/keys': unitAdmin('listed', 'hidden'),
  'POST /api/v1/keys': unitAdmin(201),
  'POST /api/v1/keys/:id/revoke': unitAdmin(200),
  // Webhook subscriptions of a system's key (issue 11): the unit-admins of the unit owning the key, or above.
  'GET /api/v1/webhooks': unitAdmin('listed', 'hidden'),
  'POST /api/v1/webhooks': unitAdmin(201),
  'DELETE /api/v1/webhooks/:id': unitAdmin(204),
  'GET /api/v1/webhooks/:id/deliveries': unitAdmin(200),

  'GET /api/v1/units/:code/certificates': unitAdmin(200),
  'POST /api/v1/units/:code/certificates': unitAdmin(201),
  'POST /api/v1/certificates/:id/revoke': unitAdmin(200),

  // Public (no key, no session): the way to a session through a central sign-on. The matrix's app has no OIDC_*
  // settings, so both answer 404 to everyone; test/oidc.test.ts signs in through a real provider.
  'GET /api/v1/session/oidc': anyone(404),
  'GET /api/v1/session/oidc/callback': anyone(404),
};
