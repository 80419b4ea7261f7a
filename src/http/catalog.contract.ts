/** What the catalog route (catalog.routes.ts) takes and answers. */
import { z } from 'zod';
import { CatalogSchema } from '@sohoa/shared';
import { route } from './openapi/contract.ts';

export const CatalogImported = z.strictObject({
  versionId: z.number().int(),
  created: z.boolean().meta({ description: 'false: the same catalog (byte for byte) was imported before' }),
}).meta({ id: 'CatalogImported' });

export const ProcedureList = z.strictObject({
  version: z.number().int().nullable().meta({ description: 'the latest catalog version; null before any import' }),
  procedures: z.array(z.strictObject({
    code: z.string(), name: z.string(), level: z.string().nullable(),
    components: z.array(z.strictObject({ code: z.string(), name: z.string(), required: z.boolean() })),
  })),
}).meta({ id: 'ProcedureList' });

export const catalogContract = [
  route({
    method: 'get', path: '/api/v1/catalog/procedures', tag: 'catalog', access: 'caller', who: 'any signed-in caller or key',
    summary: 'The procedures of the latest catalog version, with their components (for the upload form)',
    responses: { 200: { description: 'by code', json: ProcedureList } },
    errors: {},
  }),
  route({
    method: 'post', path: '/api/v1/catalog', tag: 'catalog', access: 'caller', who: 'admins',
    summary: 'Import a procedure catalog version',
    body: { json: CatalogSchema, required: true, description: 'the catalog (samples/catalog.json shows one); at most 5 MB' },
    responses: {
      201: { description: 'a new version', json: CatalogImported },
      200: { description: 'the same version was there', json: CatalogImported },
    },
    errors: {
      400: '`invalid-json`, `json-too-deep`',
      403: '`forbidden`',
      413: '`too-large`',
      415: '`not-json`',
      422: '`invalid-catalog` (see `fields`)',
    },
  }),
];
