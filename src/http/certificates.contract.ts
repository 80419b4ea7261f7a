/** What the certificate routes (certificates.routes.ts) take and answer. */
import { z } from 'zod';
import { optional, serverPathInput, textInput } from '@sohoa/shared';
import { isoTime, route, uuid } from './openapi/contract.ts';

/** An import's fields, as JSON or multipart text; the password is taken as typed (not trimmed). */
export const ImportFields = z.object({
  role: optional(z.enum(['unit', 'officer'])).meta({ description: 'the unit\'s seal (default) or an officer\'s signature' }),
  p12Path: optional(serverPathInput).meta({ description: 'a .p12 on the server (e.g. a mounted secret)' }),
  passwordFile: optional(serverPathInput).meta({ description: 'a file on the server holding the .p12 password' }),
  passwordEnv: optional(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name')).meta({ description: 'an environment variable holding the password' }),
  holderName: optional(textInput(200)),
  sealPath: optional(serverPathInput).meta({ description: 'a seal image on the server' }),
  password: z.string().max(1024, 'at most 1024 characters').refine((value) => !value.includes('\0'), 'a password cannot contain NUL').optional()
    .meta({ description: 'the uploaded .p12\'s password (multipart)' }),
});
export const RevokeFields = z.object({ reason: optional(textInput(1000)) });

/** The multipart form of an import as the document shows it: the fields above and the files. */
const ImportUpload = ImportFields.extend({
  p12: z.string().meta({ contentMediaType: 'application/x-pkcs12', description: 'the PKCS#12 file' }).optional(),
  seal: z.string().meta({ contentMediaType: 'image/png', description: 'the seal image' }).optional(),
});

export const CertificateView = z.strictObject({
  id: uuid(), role: z.enum(['unit', 'officer']), active: z.boolean(), subject: z.string(), holderName: z.string().nullable(),
  issuer: z.string().nullable(), serialNumber: z.string().nullable(), fingerprintSha256: z.string().nullable(),
  notBefore: isoTime(), notAfter: isoTime(),
  passwordFrom: z.enum(['file', 'environment', 'encrypted']).meta({ description: 'where the password is kept; never the password nor the path' }),
  revokedAt: isoTime().nullable(), revocationReason: z.string().nullable(),
  status: z.strictObject({
    state: z.enum(['valid', 'expiring', 'expired', 'not-yet-valid', 'revoked']),
    daysLeft: z.number().int(), maySign: z.boolean(), warning: z.string().nullable(),
  }),
}).meta({ id: 'Certificate' });

export const UnitCertificates = z.strictObject({
  unit: z.strictObject({ code: z.string(), name: z.string() }),
  certificates: z.array(CertificateView),
  warnings: z.array(z.string()).meta({ description: 'for the active certificates that someone should act on' }),
}).meta({ id: 'UnitCertificates' });

const unit = { code: 'the unit\'s agency code' };

export const certificateContract = [
  route({
    method: 'get', path: '/api/v1/units/:code/certificates', tag: 'certificates', access: 'caller', params: unit,
    summary: 'Every certificate of a unit, with status and expiry warning',
    responses: { 200: { description: 'the unit\'s certificates', json: UnitCertificates } }, errors: { 404: '`not-found`' },
  }),
  route({
    method: 'post', path: '/api/v1/units/:code/certificates', tag: 'certificates', access: 'caller', who: 'admins', params: unit,
    summary: 'Import a PKCS#12 signing certificate',
    description: 'JSON with paths on the server (`p12Path` with `passwordFile` or `passwordEnv`), or multipart with the `p12` and its `password` (sealed into the database under SIGNING_KEY_ENCRYPTION_KEY).',
    body: { json: ImportFields, multipart: ImportUpload, required: true },
    responses: { 201: { description: 'the certificate, now the active one of its role', json: CertificateView } },
    errors: {
      400: '`missing-p12`, `missing-password`, `invalid-json`, `malformed-multipart`',
      403: '`forbidden`',
      404: '`not-found`',
      413: '`limit-file-size`',
      422: '`invalid-input` (see `fields`), `wrong-password`, `expired`, `not-yet-valid`, `key-usage`, `untrusted-chain`',
      503: '`key-encryption-key-missing`: an upload needs SIGNING_KEY_ENCRYPTION_KEY',
    },
  }),
  route({
    method: 'post', path: '/api/v1/certificates/:id/revoke', tag: 'certificates', access: 'caller', who: 'admins', params: { id: 'the certificate id' },
    summary: 'Mark a certificate revoked by its CA: it signs nothing from now on', body: { json: RevokeFields },
    responses: { 200: { description: 'the certificate', json: CertificateView } },
    errors: { 403: '`forbidden`', 404: '`not-found`', 422: '`invalid-input`' },
  }),
];
