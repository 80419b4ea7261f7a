import { describe, expect, it } from 'vitest';
import { routeMatcher } from './request-observer.ts';

describe('routeMatcher', () => {
  const match = routeMatcher([
    { method: 'get', path: '/api/v1/records/search' },
    { method: 'get', path: '/api/v1/records/:id' },
    { method: 'get', path: '/api/v1/records/:id/pdf' },
    { method: 'post', path: '/api/v1/batches' },
    { method: 'get', path: '/healthz' },
  ]);

  it('names the route pattern of a path, never the path itself', () => {
    expect(match('GET', '/api/v1/records/5f0c2b9e-0000-4000-8000-000000000001')).toBe('/api/v1/records/:id');
    expect(match('GET', '/api/v1/records/abc/pdf')).toBe('/api/v1/records/:id/pdf');
    expect(match('GET', '/api/v1/records/search')).toBe('/api/v1/records/search'); // the first mounted wins, as in express
    expect(match('HEAD', '/healthz')).toBe('/healthz');
    expect(match('POST', '/api/v1/batches/')).toBe('/api/v1/batches');
  });

  it('matches nothing for another method, a deeper path or an unknown one', () => {
    expect(match('DELETE', '/api/v1/batches')).toBeNull();
    expect(match('GET', '/api/v1/records/a/b/c')).toBeNull();
    expect(match('GET', '/wp-login.php')).toBeNull();
    expect(match('GET', '/api/v1/records/')).toBeNull();
  });
});
