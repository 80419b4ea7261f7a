/**
 * Checks a real answer against the route contract it belongs to (src/http/*.contract.ts): the status is one the
 * contract lists, a JSON answer parses with its (strict) schema, an error with the one error shape, bytes come
 * with the promised media type. Any test may use it on the answers it gets.
 */
import { expect } from 'vitest';
import { contracts } from '../../src/http/contracts.ts';
import { ErrorBody, type RouteContract } from '../../src/http/openapi/contract.ts';

export interface Answer { status: number; contentType: string; body: unknown }

const pattern = (c: RouteContract) => new RegExp(`^${c.path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);

/** The contract of a request, by method and URL path (`/api/v1/batches/3f…`), or undefined. */
export function contractOf(method: string, pathname: string): RouteContract | undefined {
  return contracts.find((c) => c.method === method.toLowerCase() && pattern(c).test(pathname));
}

export function expectConforms(method: string, pathname: string, answer: Answer): RouteContract {
  const where = `${method.toUpperCase()} ${pathname} → ${answer.status}`;
  const contract = contractOf(method, pathname);
  if (!contract) throw new Error(`${where}: no contract describes this route`);
  const own = contract.responses[answer.status];
  if (own) {
    const media = 'json' in own ? own.also ?? [] : 'media' in own ? [own.media] : [];
    if ('json' in own && /^application\/json/.test(answer.contentType)) {
      const parsed = own.json.safeParse(answer.body);
      if (!parsed.success) throw new Error(`${where}: the answer does not follow its contract: ${JSON.stringify(parsed.error.issues.slice(0, 5))}\n${JSON.stringify(answer.body).slice(0, 2000)}`);
    } else if ('json' in own || 'media' in own) {
      const promised = ['json' in own ? 'application/json' : [], ...media].flat();
      expect(promised.some((m) => answer.contentType.startsWith(m.endsWith('/*') ? m.slice(0, -1) : m)), `${where}: ${answer.contentType} is none of ${promised.join(', ')}`).toBe(true);
    } else {
      const empty = answer.body === undefined || answer.body === null || answer.body === '' || (Buffer.isBuffer(answer.body) && answer.body.length === 0);
      expect(empty, `${where}: the contract promises no body`).toBe(true);
    }
    return contract;
  }
  const documented = new Set([...Object.keys(contract.errors ?? {}).map(Number), 500, ...(contract.access === 'caller' ? [401] : [])]);
  expect(documented.has(answer.status), `${where}: the contract lists no such status (${JSON.stringify(answer.body)})`).toBe(true);
  const parsed = ErrorBody.safeParse(answer.body);
  if (!parsed.success) throw new Error(`${where}: not the one error shape: ${JSON.stringify(answer.body)}`);
  return contract;
}

/**
 * The same check on a fetch Response, leaving it unread for the test: a JSON answer is read from a clone; bytes
 * (a zip, a PDF) are checked by status and media type only, so a download the server breaks off stays the test's
 * to see.
 */
export async function expectResponseConforms(method: string, url: string, response: Response): Promise<RouteContract> {
  const contentType = response.headers.get('content-type') ?? '';
  const body = /^application\/json/.test(contentType) ? await response.clone().json() : response.status === 204 ? Buffer.alloc(0) : undefined;
  return expectConforms(method, new URL(url, 'http://sohoa.invalid').pathname, { status: response.status, contentType, body });
}
