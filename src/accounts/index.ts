/** Identities and authentication: units, people, sessions, API keys. Used by src/http and the operator's CLI. */
export * as people from './people.ts';
export * as apiKeys from './keys.ts';
export * as units from './units.ts';
export * as signIn from './sign-in.ts';
export { personCaller, personCallerById, keyCaller, operatorCaller, unitsReached } from './callers.ts';
export { checkPasswordPolicy, generatePassword, hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
export { anyAdmin } from './users.repository.ts';
export type { VerifiedIdentity, StartedSession } from './sign-in.ts';
export { oidcClient, type OidcClient, type SignInFlow } from './oidc-client.ts';
