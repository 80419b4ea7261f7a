import { describe, expect, it } from 'vitest';
import { contractOf, expectConforms } from './contract-check.ts';

const json = (status: number, body: unknown) => ({ status, contentType: 'application/json; charset=utf-8', body });

describe('expectConforms', () => {
  it('passes an answer as its contract says, and fails one with a field added, renamed or of another type', () => {
    expect(expectConforms('POST', '/api/v1/catalog', json(201, { versionId: 3, created: true })).path).toBe('/api/v1/catalog');
    expect(() => expectConforms('POST', '/api/v1/catalog', json(201, { versionId: 3, created: true, extra: 1 }))).toThrow(/does not follow its contract/);
    expect(() => expectConforms('POST', '/api/v1/catalog', json(201, { version: 3, created: true }))).toThrow(/does not follow its contract/);
    expect(() => expectConforms('POST', '/api/v1/catalog', json(201, { versionId: '3', created: true }))).toThrow(/does not follow its contract/);
  });

  it('fails a status the contract does not list, and an error not in the one error shape', () => {
    expect(() => expectConforms('POST', '/api/v1/catalog', json(418, { error: { code: 'x', message: 'y' } }))).toThrow(/lists no such status/);
    expect(() => expectConforms('POST', '/api/v1/catalog', json(422, { message: 'bad' }))).toThrow(/one error shape/);
    expectConforms('POST', '/api/v1/catalog', json(422, { error: { code: 'invalid-catalog', message: 'm', fields: [{ field: 'version', message: 'required' }] } }));
  });

  it('finds a route by method and path, parameters filled in', () => {
    expect(contractOf('GET', '/api/v1/documents/0b6f5a3e-1111-4222-8333-444455556666')?.path).toBe('/api/v1/documents/:id');
    expect(contractOf('PUT', '/api/v1/documents/x/pages')?.path).toBe('/api/v1/documents/:id/pages');
    expect(contractOf('DELETE', '/api/v1/documents/x')).toBeUndefined();
  });
});
