import { describe, expect, it } from 'vitest';
import { claimValue, identityFromClaims } from './oidc-claims.ts';

const names = { unit: 'sohoa_unit', roles: 'sohoa_roles', username: 'preferred_username' };
const issuer = 'https://sso.example.gov.vn/realms/tinh';

describe('claims → the identity signed in', () => {
  it('maps the subject, the username, the unit and the roles', () => {
    expect(identityFromClaims(issuer, { sub: 'abc-1', preferred_username: ' Nguyen.An ', name: 'Nguyễn Văn An', sohoa_unit: '001.01.00.H11', sohoa_roles: ['clerk', 'archivist', 'clerk'] }, names)).toEqual({
      subject: `${issuer} abc-1`, username: 'nguyen.an', displayName: 'Nguyễn Văn An', unitCode: '001.01.00.H11', roles: ['clerk', 'archivist'],
    });
  });

  it('reads roles given as one string, nested claims, and no roles at all', () => {
    const claims = { sub: 's', email: 'an@example.gov.vn', realm_access: { roles: 'clerk, auditor' }, org: { unit: 'U1' } };
    expect(identityFromClaims(issuer, claims, { unit: 'org.unit', roles: 'realm_access.roles', username: 'email' })).toMatchObject({ username: 'an@example.gov.vn', unitCode: 'U1', roles: ['clerk', 'auditor'], displayName: 'an@example.gov.vn' });
    expect(identityFromClaims(issuer, { sub: 's', preferred_username: 'an' + 'n' }, names)).toMatchObject({ unitCode: null, roles: [] });
    expect(claimValue({ 'https://x.vn/roles': ['a'] }, 'https://x.vn/roles')).toEqual(['a']);
  });

  it('refuses what it cannot read instead of guessing', () => {
    const base = { sub: 's', preferred_username: 'ann' };
    expect(() => identityFromClaims(issuer, { preferred_username: 'ann' }, names)).toThrow(/no subject/);
    expect(() => identityFromClaims(issuer, { sub: 's' }, names)).toThrow(/no preferred_username claim/);
    expect(() => identityFromClaims(issuer, { ...base, preferred_username: 'a b' }, names)).toThrow(/not a username/);
    expect(() => identityFromClaims(issuer, { ...base, sohoa_roles: [1] }, names)).toThrow(/not a list of role names/);
    expect(() => identityFromClaims(issuer, { ...base, sohoa_unit: ['U1', 'U2'] }, names)).toThrow(/not one unit code/);
    const thrown = (() => {
      try {
        identityFromClaims(issuer, { sub: 's' }, names);
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toMatchObject({ code: 'oidc-claims', status: 403 });
  });
});
