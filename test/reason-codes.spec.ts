import { describe, expect, it } from 'vitest';
import { reasonCodes } from '../src/http/reason-codes.ts';
import { catalogue } from '../services/web/src/messages.ts';

describe('the reason codes the API answers', () => {
  it('are each said by the web UI, in Vietnamese and English', () => {
    expect(reasonCodes.length).toBeGreaterThan(10);
    expect(reasonCodes.filter((code) => !(`reason.${code}` in catalogue.vi) || !(`reason.${code}` in catalogue.en))).toEqual([]);
  });
});
