import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request a piece of work belongs to: set by the HTTP layer for a request (X-Request-Id, or a new id), carried in
 * every job sent while it runs (Queue.send), and set again by the worker that runs such a job, so the jobs a request
 * caused, and the jobs they caused, log the same id. The logger reads it on every line (createLogger's mixin).
 */
export interface RequestContext { requestId: string }

const storage = new AsyncLocalStorage<RequestContext>();

/** What a request id may look like (a caller's X-Request-Id is taken only then): no spaces, quotes or newlines in a log. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's id when it is well formed, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
