/**
 * The claims a central sign-on vouches for → the identity sohoa signs in (sign-in.ts `signInVerifiedIdentity`).
 * Pure: the client (oidc-client.ts) has already checked the ID token and fetched the userinfo answer.
 *
 * Whether the unit and the roles exist is not decided here: `signInVerifiedIdentity` refuses an unknown unit or role
 * (403) against the database. Here only the claims' shape is checked: a malformed claim is refused, never guessed at.
 */
import { AppError, CONTROL_CHARACTERS, type Role } from '@sohoa/shared';
import { isUsername, USERNAME_RULE } from './people.ts';
import type { VerifiedIdentity } from './sign-in.ts';

export interface ClaimNames { unit: string; roles: string; username: string }
export type Claims = Record<string, unknown>;

const refused = (message: string) => new AppError('oidc-claims', `the sign-on's answer cannot be used: ${message}`, 403);

/** A claim by its name as it is (`https://example.gov.vn/roles` has dots of its own), else as a dotted path (`realm_access.roles`). */
export function claimValue(claims: Claims, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !(part in value)) return undefined;
    value = (value as Claims)[part];
  }
  return value;
}

/** Roles as a JSON array of strings, or one string of names separated by spaces or commas; absent: none. */
function rolesOf(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? value.split(/[\s,]+/) : value;
  if (!Array.isArray(list) || list.some((r) => typeof r !== 'string')) throw refused(`the ${name} claim is not a list of role names`);
  return [...new Set((list as string[]).map((r) => r.trim()).filter(Boolean))];
}

function unitOf(value: unknown, name: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw refused(`the ${name} claim is not one unit code`);
  return value.trim();
}

export function identityFromClaims(issuer: string, claims: Claims, names: ClaimNames): VerifiedIdentity {
  const sub = claims.sub;
  if (typeof sub !== 'string' || !sub) throw refused('no subject (sub)');
  const rawName = claimValue(claims, names.username);
  if (typeof rawName !== 'string') throw refused(`no ${names.username} claim to name the person by`);
  const username = rawName.trim().normalize('NFC').toLowerCase();
  if (!isUsername(username)) throw refused(`the ${names.username} claim is not a username (${USERNAME_RULE})`);
  const name = typeof claims.name === 'string' ? claims.name.trim().normalize('NFC') : '';
  const displayName = name && name.length <= 200 && !CONTROL_CHARACTERS.test(name) ? name : username;
  return {
    subject: `${issuer} ${sub}`,
    username,
    displayName,
    unitCode: unitOf(claimValue(claims, names.unit), names.unit),
    // Checked against the roles sohoa knows by signInVerifiedIdentity, which names an unknown one in its 403.
    roles: rolesOf(claimValue(claims, names.roles), names.roles) as Role[],
  };
}
