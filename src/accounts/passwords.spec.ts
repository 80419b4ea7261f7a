import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, passwordProblems, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('hashes with Argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('Quả táo đỏ trên cây 7');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'Quả táo đỏ trên cây 7')).toBe(true);
    // The same text typed decomposed (NFD) is the same password.
    expect(await verifyPassword(hash, 'Quả táo đỏ trên cây 7'.normalize('NFD'))).toBe(true);
    expect(await verifyPassword(hash, 'Quả táo đỏ trên cây 8')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it('names every way a password falls short of the policy', () => {
    const who = { username: 'nguyenvana', displayName: 'Nguyễn Văn Anh' };
    expect(passwordProblems('short', who)).toEqual([expect.stringMatching(/at least 12 characters \(this one has 5\)/)]);
    expect(passwordProblems('xx-nguyenvana-2026', who)).toEqual(['it must not contain the username']);
    expect(passwordProblems('NGUYỄN-rất-vui-2026', who)).toEqual(["it must not contain the person's name"]);
    expect(passwordProblems('Matkhau@1234', who)).toEqual(['it is one of the passwords tried first by attackers']);
    expect(passwordProblems('aaaaaaaaaaaabbbb', who)).toEqual(['at least 5 different characters']);
    expect(passwordProblems('1234567890123', who)).toEqual(['it is one of the passwords tried first by attackers']);
    expect(passwordProblems('3456789012345', who)).toEqual(['not a run of keys or digits in a row']);
    expect(passwordProblems(' spaced out words ', who)).toEqual([expect.stringMatching(/no space at the start or the end/)]);
    expect(passwordProblems('x'.repeat(300) + 'abcdef', who)).toContain('at most 256 characters');
    expect(passwordProblems('cây tre làng ven sông 42', who)).toEqual([]);
  });

  it('generates passwords that pass the policy and differ each time', () => {
    const made = Array.from({ length: 50 }, generatePassword);
    expect(new Set(made).size).toBe(50);
    for (const pw of made) {
      expect(pw).toMatch(/^[a-hjkmnp-z2-9]{5}(-[a-hjkmnp-z2-9]{5}){3}$/);
      expect(passwordProblems(pw, { username: 'someone' })).toEqual([]);
    }
  });
});
