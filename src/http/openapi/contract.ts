/**
 * What a route promises, as data: its method and path, the zod schemas its handler parses the request with, the
 * zod schemas its answers follow, and the errors it may answer. The routers import their request schemas from
 * their `<domain>.contract.ts`; the OpenAPI document (document.ts) and the contract test are made from the same
 * objects, so neither can drift from the code.
 *
 * Adding a route: one `route({...})` entry in its domain's contract file (and that file's list in contracts.ts).
 */
import { z, type ZodType } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One field of a request that was refused, and why. */
export const FieldProblem = z.strictObject({
  field: z.string().meta({ description: 'the field, a query parameter or a path into the JSON body (`pages.2`); `body` for the body as a whole' }),
  message: z.string(),
}).meta({ id: 'FieldProblem' });

/** The one shape of every error answer (src/http/errors.ts makes it). */
export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().meta({ description: 'stable, kebab-case (`invalid-input`, `not-found`, `unauthorized`, …): what a program branches on' }),
    message: z.string().meta({ description: 'in words, for a person; never a stack or a server path' }),
    fields: z.array(FieldProblem).optional().meta({ description: 'for a 400/422 about the request: each refused field and why' }),
  }),
}).meta({ id: 'Error', description: 'Every error answer of the API has this shape.' });

/**
 * An answer: JSON checked by `json` (and, where a query parameter asks for another format, `also` those media
 * types), bytes of a media type (a PDF, a zip, an HTML page), or no body at all (204).
 */
export type Answer =
  | { description: string; json: ZodType; also?: string[]; headers?: Record<string, string> }
  | { description: string; media: string; headers?: Record<string, string> }
  | { description: string; headers?: Record<string, string> };

export interface RouteContract {
  method: Method;
  /** The full path as express mounts it: `/api/v1/batches/:id`. */
  path: string;
  /** Groups the document's operations (one per router). */
  tag: string;
  summary: string;
  description?: string;
  /** `public`: no key or session (health, the document itself); `caller`: a key or a session. */
  access: 'public' | 'caller';
  /** Who may call it beyond being signed in, in words (roles, permissions). */
  who?: string;
  /** Path parameters, each with what it is (every `:name` in `path`). */
  params?: Record<string, string>;
  query?: ZodType;
  body?: {
    json?: ZodType; multipart?: ZodType;
    /** Bodies of other media types sent as text (`text/csv`), each with what it holds. */
    text?: Record<string, string>;
    description?: string; required?: boolean;
  };
  /** Success answers by status. */
  responses: Record<number, Answer>;
  /** Error answers by status, each with when it happens (codes in words); 401 and 500 are added for every `caller` route. */
  errors?: Record<number, string>;
}

export const route = (contract: RouteContract): RouteContract => contract;

/** `/api/v1/batches/:id` → `/api/v1/batches/{id}` (OpenAPI's path template). */
export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The express path parameters of a path: `/units/:code/certificates` → ['code']. */
export const pathParams = (expressPath: string) => [...expressPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);

/** Common pieces of answers. */
export const isoTime = () => z.iso.datetime({ offset: true });
/** A calendar day, `2031-12-31` (retention and review dates: days, not instants). */
export const isoDate = () => z.iso.date();
export const uuid = () => z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i).meta({ format: 'uuid' });
export const sha256Hex = () => z.string().regex(/^[0-9a-f]{64}$/);
