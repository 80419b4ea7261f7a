/** What the sign-in routes (session.routes.ts) and the unit, people and key routes (accounts.routes.ts) take and answer. */
import { z } from 'zod';
import { keyScopes, optional, permissions, roles, textInput, UNIT_CODE_RULE, unitCodeInput } from '@sohoa/shared';
import { unitKinds } from '../accounts/unit-list.ts';
import { isoTime, route, uuid } from './openapi/contract.ts';

/** Request bodies and queries, parsed by the routers with these schemas. */
export const SignIn = z.object({
  username: z.string({ error: 'required' }).min(1, 'required').max(200, 'at most 200 characters'),
  password: z.string({ error: 'required' }).min(1, 'required').max(1024, 'at most 1024 characters'),
});
export const PasswordChange = z.object({
  currentPassword: z.string({ error: 'required' }).max(1024),
  newPassword: z.string({ error: 'required' }).max(1024).meta({ description: 'under the password policy (length, not a common password)' }),
});

const roleInput = z.enum(roles, { error: `one of ${roles.join(', ')}` });
export const NewUnit = z.object({
  code: unitCodeInput.meta({ description: UNIT_CODE_RULE }), name: textInput(300),
  parent: optional(unitCodeInput).meta({ description: 'the parent unit\'s code; none for a top unit' }), kind: optional(z.enum(unitKinds)),
});
export const RoleAt = z.object({ role: roleInput, unit: optional(unitCodeInput).meta({ description: 'where the role is held; default the person\'s unit' }) });
export const NewPerson = z.object({
  username: z.string({ error: 'required' }).max(64),
  displayName: optional(textInput(200)),
  unit: optional(unitCodeInput).meta({ description: 'the unit the person belongs to' }),
  roles: z.array(RoleAt).min(1, 'at least one role').max(50),
});
export const PeopleQuery = z.object({ unit: optional(unitCodeInput).meta({ description: `only the people of this unit. ${UNIT_CODE_RULE}` }) });
export const NewKey = z.object({
  name: textInput(200),
  units: z.array(unitCodeInput).min(1, 'at least one unit').max(1000).meta({ description: 'the units whose data the key reaches' }),
  scopes: z.array(z.string()).min(1, 'at least one scope').max(20).meta({ description: `what it may do: ${keyScopes.join(', ')}` }),
  owner: optional(unitCodeInput).meta({ description: 'the unit that owns the key; default the caller\'s' }),
  expiresAt: optional(z.iso.datetime({ offset: true, error: 'an ISO 8601 date and time, e.g. 2027-01-31T00:00:00Z' })),
});
/**
 * A row of a unit list as JSON (POST /units/import). The router hands the list to units.importUnits, whose parser
 * (accounts/unit-list.ts) checks each row and refuses the whole list naming the row; this schema is what the
 * document shows of it.
 */
const UnitListRow = z.object({ code: z.string(), name: z.string(), parent: z.string().optional(), kind: z.enum(unitKinds).optional() });

/** Answers. */
export const UnitView = z.strictObject({
  code: z.string(), name: z.string(), parent: z.string().nullable(), kind: z.enum(unitKinds).nullable(),
  depth: z.number().int().meta({ description: 'levels below the top of the tree shown' }),
}).meta({ id: 'Unit' });
const UnitList = z.strictObject({ units: z.array(UnitView) }).meta({ id: 'UnitList' });
const UnitImport = z.strictObject({ created: z.number().int(), updated: z.number().int(), units: z.number().int() }).meta({ id: 'UnitImport' });

const HeldRole = z.strictObject({ role: z.enum(roles), unit: z.string().nullable().meta({ description: 'null: held everywhere (admin)' }) });

export const PersonView = z.strictObject({
  id: uuid(), username: z.string(), displayName: z.string(), unit: z.string().nullable(), roles: z.array(HeldRole),
  disabled: z.boolean(), lockedUntil: isoTime().nullable().meta({ description: 'locked out after repeated failed sign-ins, until then' }),
  passwordChangedAt: isoTime().nullable(), createdAt: isoTime(),
}).meta({ id: 'Person' });
const PersonList = z.strictObject({ people: z.array(PersonView) }).meta({ id: 'PersonList' });
const PersonWithPassword = z.strictObject({
  person: PersonView, password: z.string().meta({ description: 'generated; shown this once and stored only as its Argon2id hash' }),
}).meta({ id: 'PersonWithPassword' });

export const KeyView = z.strictObject({
  id: uuid(), name: z.string(), prefix: z.string().meta({ description: 'the first characters of the key, to tell keys apart' }),
  owner: z.string(), units: z.array(z.string()), scopes: z.array(z.string()), createdBy: z.string(), createdAt: isoTime(),
  expiresAt: isoTime().nullable(), revokedAt: isoTime().nullable(), lastUsedAt: isoTime().nullable(), status: z.enum(['active', 'expired', 'revoked']),
}).meta({ id: 'ApiKey' });
const KeyList = z.strictObject({ keys: z.array(KeyView) }).meta({ id: 'ApiKeyList' });
const NewKeyAnswer = z.strictObject({
  key: KeyView, secret: z.string().meta({ description: 'the key itself: shown this once, only its hash is stored' }),
}).meta({ id: 'NewApiKey' });

/** Who is calling: a person (with their roles, and with a session the CSRF token), a system's key, or a token. */
export const WhoAmI = z.strictObject({
  kind: z.enum(['person', 'key', 'token']), name: z.string(), admin: z.boolean(),
  permissions: z.array(z.enum(permissions)).meta({ description: 'held at one unit or more' }),
  units: z.array(UnitView).meta({ description: 'the units the caller reaches' }),
  purpose: z.string().nullable().meta({ description: 'a system\'s X-Purpose' }),
  person: z.strictObject({ id: uuid(), username: z.string(), displayName: z.string(), unit: z.string().nullable(), passwordChangedAt: isoTime().nullable() })
    .optional().meta({ description: 'a person only' }),
  roles: z.array(HeldRole).optional().meta({ description: 'a person only' }),
  csrfToken: z.string().optional().meta({ description: 'a signed-in session only: send it in X-CSRF-Token on every request that changes something' }),
  expiresAt: isoTime().optional().meta({ description: 'a signed-in session only: when it ends' }),
}).meta({ id: 'WhoAmI' });

const person = { id: 'the person id' };
const manage = 'admins; unit-admins for their unit and the units below it';
const invalid = { 422: '`invalid-input` (see `fields`)' };

export const sessionContract = [
  route({
    method: 'post', path: '/api/v1/session', tag: 'session', access: 'public',
    summary: 'Sign in with username and password',
    description: 'Sets the session cookie (HttpOnly, SameSite=Strict; `__Host-` and Secure over TLS). Repeated failures lock the name for a while, alike for known and unknown names.',
    body: { json: SignIn, required: true },
    responses: { 201: { description: 'signed in: who, and the CSRF token', json: WhoAmI, headers: { 'Set-Cookie': 'the session cookie' } } },
    errors: {
      401: '`wrong-credentials`', 403: '`account-disabled`', 422: '`invalid-input`',
      429: '`too-many-attempts`: rate-limited or locked; Retry-After says when to try again',
    },
  }),
  route({
    method: 'get', path: '/api/v1/session', tag: 'session', access: 'caller',
    summary: 'Who is calling: person or system, permissions, units', responses: { 200: { description: 'the caller', json: WhoAmI } },
  }),
  route({
    method: 'delete', path: '/api/v1/session', tag: 'session', access: 'caller', who: 'a signed-in person',
    summary: 'Sign out: the session ends', responses: { 204: { description: 'signed out; the cookie is cleared' } },
    errors: { 400: '`no-session`: a bearer key is revoked instead', 403: '`csrf`' },
  }),
  route({
    method: 'put', path: '/api/v1/session/password', tag: 'session', access: 'caller', who: 'a person, for their own password',
    summary: 'Change one\'s own password; the person\'s other sessions end', body: { json: PasswordChange, required: true },
    responses: { 204: { description: 'changed' } },
    errors: { 403: '`forbidden` (a key has no password), `wrong-credentials` (the current password), `csrf`', 422: '`invalid-input`, `weak-password`' },
  }),
];

export const accountContract = [
  route({
    method: 'get', path: '/api/v1/units', tag: 'accounts', access: 'caller',
    summary: 'The unit tree, as far as the caller reaches', responses: { 200: { description: 'parents before their children', json: UnitList } },
  }),
  route({
    method: 'post', path: '/api/v1/units', tag: 'accounts', access: 'caller', who: 'admins',
    summary: 'Add a unit', body: { json: NewUnit, required: true },
    responses: { 201: { description: 'the unit', json: UnitView } },
    errors: { 403: '`forbidden`', 404: '`not-found`: no such parent', 409: '`conflict`: the code is taken', ...invalid },
  }),
  route({
    method: 'post', path: '/api/v1/units/import', tag: 'accounts', access: 'caller', who: 'admins',
    summary: 'Import a unit list: all of it or nothing',
    description: 'A JSON array of units, or CSV with the header line `code,name,parent[,kind]`. New codes are added and known ones updated; a bad row refuses the whole list, naming the row.',
    body: { json: z.array(UnitListRow), text: { 'text/csv': 'a header line `code,name,parent[,kind]`, then one unit a line' }, required: true },
    responses: { 200: { description: 'how many units were added and updated', json: UnitImport } },
    errors: { 400: '`invalid-json`', 403: '`forbidden`', 422: '`invalid-unit-list`: the row and why' },
  }),
  route({
    method: 'get', path: '/api/v1/people', tag: 'accounts', access: 'caller', who: manage, query: PeopleQuery,
    summary: 'People of the units the caller manages', responses: { 200: { description: 'the people', json: PersonList } },
    errors: { 403: '`forbidden`', 404: '`not-found`: no such unit (or not the caller\'s)', ...invalid },
  }),
  route({
    method: 'post', path: '/api/v1/people', tag: 'accounts', access: 'caller', who: manage,
    summary: 'Add a person with their roles; the generated password is shown once', body: { json: NewPerson, required: true },
    responses: { 201: { description: 'the person and their first password', json: PersonWithPassword } },
    errors: { 403: '`forbidden` (a unit-admin never grants admin, nor outside their units)', 404: '`not-found`', 409: '`conflict`: the username is taken', ...invalid },
  }),
  route({
    method: 'get', path: '/api/v1/people/:id', tag: 'accounts', access: 'caller', who: manage, params: person,
    summary: 'A person', responses: { 200: { description: 'the person', json: PersonView } }, errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'post', path: '/api/v1/people/:id/disable', tag: 'accounts', access: 'caller', who: manage, params: person,
    summary: 'Disable a person: their sessions end, they sign in no more', responses: { 200: { description: 'the person', json: PersonView } },
    errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'post', path: '/api/v1/people/:id/reset-password', tag: 'accounts', access: 'caller', who: manage, params: person,
    summary: 'Give a person a new generated password (shown once); their sessions end and any lockout is cleared',
    responses: { 200: { description: 'the person and the new password', json: PersonWithPassword } }, errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
  route({
    method: 'post', path: '/api/v1/people/:id/roles', tag: 'accounts', access: 'caller', who: manage, params: person,
    summary: 'Grant a role at a unit', body: { json: RoleAt, required: true },
    responses: { 200: { description: 'the person', json: PersonView } }, errors: { 403: '`forbidden`', 404: '`not-found`', ...invalid },
  }),
  route({
    method: 'post', path: '/api/v1/people/:id/roles/revoke', tag: 'accounts', access: 'caller', who: manage, params: person,
    summary: 'Take a role back', body: { json: RoleAt, required: true },
    responses: { 200: { description: 'the person', json: PersonView } }, errors: { 403: '`forbidden`', 404: '`not-found`', ...invalid },
  }),
  route({
    method: 'get', path: '/api/v1/keys', tag: 'accounts', access: 'caller', who: manage,
    summary: 'API keys owned by the units the caller manages (never the keys themselves)', responses: { 200: { description: 'the keys', json: KeyList } },
    errors: { 403: '`forbidden`' },
  }),
  route({
    method: 'post', path: '/api/v1/keys', tag: 'accounts', access: 'caller', who: manage,
    summary: 'Create an API key for a system: its units, scopes and expiry; the key is shown once', body: { json: NewKey, required: true },
    responses: { 201: { description: 'the key\'s description and the key', json: NewKeyAnswer } },
    errors: { 403: '`forbidden`', 404: '`not-found`: a unit', ...invalid },
  }),
  route({
    method: 'post', path: '/api/v1/keys/:id/revoke', tag: 'accounts', access: 'caller', who: manage, params: { id: 'the key id' },
    summary: 'Revoke a key: it is refused from now on', responses: { 200: { description: 'the key', json: KeyView } },
    errors: { 403: '`forbidden`', 404: '`not-found`' },
  }),
];
