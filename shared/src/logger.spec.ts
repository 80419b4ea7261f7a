import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { requestIdFrom, withRequestId } from './request-context.ts';

const capture = () => {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', 'spec', { write: (line: string) => void lines.push(line) }) };
};

describe('logger', () => {
  it('redacts credentials, cookies and owners\' identifiers by field, at the top, one level down and in headers', () => {
    const { lines, log } = capture();
    log.info({
      token: 'tok-1', password: 'pw-1', headers: { authorization: 'Bearer k-1', cookie: 'sohoa_session=c-1', 'x-csrf-token': 'csrf-1' },
      person: { password: 'pw-2', ownerIdentifier: 'OWNER-1' }, dossier: { owner_identifier: 'OWNER-2' }, csrfToken: 'csrf-2', kept: 'visible',
    }, 'fields');
    const line = lines.join('');
    for (const secret of ['tok-1', 'pw-1', 'k-1', 'c-1', 'csrf-1', 'pw-2', 'OWNER-1', 'OWNER-2', 'csrf-2']) expect(line).not.toContain(secret);
    expect(line).toContain('"kept":"visible"');
  });

  it('blanks a 12-digit personal number anywhere in a line, but not longer numbers, UUID parts or decimals', () => {
    const { lines, log } = capture();
    log.error({ err: new Error('owner 001089012345 is not on file.'), at: 'x' }, 'looked up 031198646711, time 1765840000000, 0.123456789012, f0e1d2c3-a4b5-4c6d-8e9f-123456789012');
    const line = lines.join('');
    expect(line).not.toMatch(/001089012345|031198646711/);
    expect(line.match(/\[redacted-id\]/g)).toHaveLength(3); // message, and the error's message and stack
    expect(line).toContain('1765840000000');
    expect(line).toContain('0.123456789012');
    expect(line).toContain('-123456789012');
  });

  it('puts the request id of the context on every line, children\'s included', () => {
    const { lines, log } = capture();
    log.info('outside');
    withRequestId('req-42', () => log.child({ job: 'ocr.page' }).info('inside'));
    expect(lines.map((l) => JSON.parse(l).requestId)).toEqual([undefined, 'req-42']);
    expect(JSON.parse(lines[1]!).job).toBe('ocr.page');
  });

  it('takes a caller\'s request id only when it is well formed', () => {
    expect(requestIdFrom('abc-123.X:9_z')).toBe('abc-123.X:9_z');
    for (const bad of ['has space', 'line\nbreak', 'x'.repeat(129), '', '"quoted"']) expect(requestIdFrom(bad)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});
