/** The routes outside the API proper: health (app.ts) and the API's own description (openapi.routes.ts). */
import { z } from 'zod';
import { route } from './openapi/contract.ts';

const Checks = { database: z.string(), queue: z.string(), objectStore: z.string() };
const checkNote = '`ok`, or why the dependency did not answer';

export const Health = z.strictObject({ status: z.enum(['ok', 'unavailable']), ...Checks }).meta({ id: 'Health', description: `each dependency: ${checkNote}` });
export const Readiness = z.union([
  z.strictObject({ status: z.enum(['ready', 'unavailable']), ...Checks }),
  z.strictObject({ status: z.literal('starting'), reason: z.string().meta({ description: 'what the first start is still doing' }) }),
]).meta({ id: 'Readiness' });

export const systemContract = [
  route({
    method: 'get', path: '/healthz', tag: 'system', access: 'public', summary: 'Liveness: the process and its dependencies answer',
    responses: { 200: { description: 'all answer', json: Health }, 503: { description: 'one does not', json: Health } },
  }),
  route({
    method: 'get', path: '/readyz', tag: 'system', access: 'public',
    summary: 'Readiness: migrations and the first start are done and the dependencies answer',
    responses: { 200: { description: 'ready', json: Readiness }, 503: { description: 'starting, or a dependency does not answer', json: Readiness } },
  }),
  route({
    method: 'get', path: '/api/v1/openapi.json', tag: 'system', access: 'public', summary: 'This document (OpenAPI 3.1)',
    responses: { 200: { description: 'the OpenAPI document', media: 'application/json' } },
  }),
  route({
    method: 'get', path: '/api/docs', tag: 'system', access: 'public', summary: 'The document, readable (Swagger UI, served offline)',
    responses: { 200: { description: 'an HTML page', media: 'text/html' } },
  }),
  route({
    method: 'get', path: '/api/docs/:asset', tag: 'system', access: 'public', summary: 'The docs page\'s script and style sheet',
    params: { asset: '`swagger-ui-bundle.js`, `swagger-ui.css` or `docs.js`' },
    responses: { 200: { description: 'the file', media: 'text/*' } }, errors: { 404: '`not-found`' },
  }),
];
