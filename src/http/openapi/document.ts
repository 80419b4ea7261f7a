/**
 * The OpenAPI 3.1 document, made from the route contracts: requests from the zod schemas the handlers parse with
 * (as their input side: what a client sends), answers from the zod schemas the contract test checks them with (as
 * their output side). OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod's toJSONSchema writes.
 *
 * Named answer schemas (`.meta({ id })`) become components; request schemas are written inline and must not
 * carry an id (a request schema with one would need $defs no other operation could reach).
 */
import { z, type ZodType } from 'zod';
import { openApiPath, pathParams, type Answer, type RouteContract } from './contract.ts';

type JsonSchema = Record<string, unknown>;

const COMPONENT = '#/components/schemas/';

/** zod writes what JSON Schema validators need; a reader of the document does not need the regex behind `format`. */
function tidy(ctx: { jsonSchema: JsonSchema }) {
  const s = ctx.jsonSchema;
  if (typeof s.format === 'string') delete s.pattern;
  // z.number().int() says "a safe integer" with two 16-digit bounds: true, and noise in every schema.
  if (s.type === 'integer' && s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
  if (s.type === 'integer' && s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
}

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** A request schema inline, as a client writes it. */
function inputSchema(schema: ZodType, where: string): JsonSchema {
  const json = strip(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: tidy }) as JsonSchema);
  if ('$defs' in json) throw new Error(`${where}: a request schema has a sub-schema with an id (.meta({ id })); give ids to answer schemas only`);
  return json;
}

/** An answer schema: a reference to its component when it has an id, else inline. */
function outputSchema(schema: ZodType, where: string): JsonSchema {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `${COMPONENT}${id}` };
  const json = strip(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', override: tidy }) as JsonSchema);
  if ('$defs' in json) throw new Error(`${where}: an answer schema without an id holds one with an id; give the outer one an id too`);
  return json;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'the request cannot be read', 401: 'no valid key or session', 403: 'the caller may not do this', 404: 'not found (or not the caller\'s to see)',
  409: 'conflicts with the current state', 413: 'too large', 415: 'unsupported media type', 422: 'refused: see `error.fields`',
  429: 'too many requests', 500: 'internal error (no detail is given)', 501: 'not implemented', 503: 'unavailable',
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: `${COMPONENT}Error` } } } });

function answer(a: Answer, where: string) {
  const headers = a.headers && Object.fromEntries(Object.entries(a.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  const bytes = (media: string) => ({ [media]: { schema: { type: 'string', contentMediaType: media } } });
  const content = 'json' in a
    ? Object.assign({ 'application/json': { schema: outputSchema(a.json, where) } }, ...(a.also ?? []).map(bytes))
    : 'media' in a ? bytes(a.media) : undefined;
  return { description: a.description, ...(headers && { headers }), ...(content && { content }) };
}

/**
 * Who may call: a key or token (`Authorization: Bearer`), or a signed-in person's session cookie, which on a
 * state-changing request needs the CSRF header too.
 */
export const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'an API key or token: `Authorization: Bearer sohoa_…`' },
  session: { type: 'apiKey', in: 'cookie', name: 'sohoa_session', description: 'a signed-in person\'s session (HttpOnly, SameSite=Strict)' },
  csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'with a session, on every state-changing request' },
} as const;

function operation(c: RouteContract) {
  const where = `${c.method.toUpperCase()} ${c.path}`;
  const declared = Object.keys(c.params ?? {});
  const inPath = pathParams(c.path);
  if (declared.sort().join() !== [...inPath].sort().join()) throw new Error(`${where}: params must describe exactly ${inPath.join(', ') || 'nothing'}`);

  const parameters: unknown[] = inPath.map((name) => ({ name, in: 'path', required: true, description: c.params![name], schema: { type: 'string' } }));
  if (c.query) {
    const query = inputSchema(c.query, where);
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...rest } = schema;
      parameters.push({ name, in: 'query', required: required.has(name), ...(description !== undefined && { description }), schema: rest });
    }
  }

  const content: Record<string, unknown> = {};
  if (c.body?.json) content['application/json'] = { schema: inputSchema(c.body.json, where) };
  if (c.body?.multipart) content['multipart/form-data'] = { schema: inputSchema(c.body.multipart, where) };
  for (const [media, holds] of Object.entries(c.body?.text ?? {})) content[media] = { schema: { type: 'string', description: holds } };

  const responses: Record<string, unknown> = {};
  for (const [status, a] of Object.entries(c.responses)) responses[status] = answer(a, where);
  const errors: Record<number, string> = { ...c.errors, 500: '`internal`' };
  if (c.access === 'caller') errors[401] = '`unauthorized`';
  for (const [status, when] of Object.entries(errors)) responses[status] = errorResponse(`${STATUS_TEXT[Number(status)] ?? 'error'}: ${when}`);

  const changes = c.method !== 'get';
  return {
    operationId: operationId(c),
    tags: [c.tag],
    summary: c.summary,
    ...((c.description || c.who) && { description: [c.description, c.who && `Who: ${c.who}.`].filter(Boolean).join('\n\n') }),
    ...(parameters.length > 0 && { parameters }),
    ...(c.body && { requestBody: { required: c.body.required ?? false, ...(c.body.description && { description: c.body.description }), content } }),
    responses,
    security: c.access === 'public' ? [] : [{ bearer: [] }, changes ? { session: [], csrf: [] } : { session: [] }],
  };
}

/** `post /api/v1/documents/:id/merge` → `postDocumentsIdMerge`: stable, readable, unique per method and path. */
function operationId(c: RouteContract): string {
  const words = c.path.replace(/^\/api\/v1/, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return c.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

export interface DocumentInfo {
  version: string; description?: string;
  /** Each tag a contract uses, with what its routes are about. */
  tags: Record<string, string>;
}

export function openApiDocument(contracts: readonly RouteContract[], info: DocumentInfo): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const c of contracts) {
    if (!Object.hasOwn(info.tags, c.tag)) throw new Error(`${c.method.toUpperCase()} ${c.path}: tag ${c.tag} has no description in contracts.ts`);
    const path = openApiPath(c.path);
    paths[path] ??= {};
    if (paths[path][c.method]) throw new Error(`${c.method.toUpperCase()} ${c.path} is described twice`);
    paths[path][c.method] = operation(c);
  }
  // Every schema with an id, the Error answer (contract.ts) among them, is a component.
  const schemas = z.toJSONSchema(z.globalRegistry, { io: 'output', unrepresentable: 'any', override: tidy, uri: (id) => `${COMPONENT}${id}` }).schemas;
  return {
    openapi: '3.1.0',
    info: {
      title: 'sohoa',
      version: info.version,
      description: info.description ?? '',
    },
    servers: [{ url: '/', description: 'this server' }],
    tags: Object.entries(info.tags).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, strip(s as JsonSchema)])),
      securitySchemes,
    },
  };
}
