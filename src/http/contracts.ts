/**
 * Every route the HTTP layer mounts, described (openapi/contract.ts): the OpenAPI document is made from this list,
 * and openapi/coverage.spec.ts fails, naming the route, when a mounted route is missing here or a described one is
 * not mounted. A new router adds its `<domain>.contract.ts` list below.
 */
import type { RouteContract } from './openapi/contract.ts';
import { batchContract } from './batches.contract.ts';
import { catalogContract } from './catalog.contract.ts';
import { certificateContract } from './certificates.contract.ts';
import { dossierContract } from './dossiers.contract.ts';
import { oidcContract } from './oidc.contract.ts';
import { recordContract } from './records.contract.ts';
import { systemContract } from './system.contract.ts';

/** The document's groups, one per router, in the order the docs page shows them. */
export const tags: Record<string, string> = {
  batches: 'Scanner batches in, and the files that could not be taken (quarantine)',
  dossiers: 'Dossiers, documents, the review list, and the clerk\'s corrections',
  records: 'Archived records: metadata, the signed PDF, signature verification',
  catalog: 'The procedure catalog (procedures and their components)',
  certificates: 'Units\' signing certificates',
  oidc: 'Sign-in through a central sign-on (OpenID Connect), when configured',
  system: 'Health, readiness, and this description',
};

export const contracts: readonly RouteContract[] = [
  ...systemContract,
  ...batchContract,
  ...recordContract,
  ...dossierContract,
  ...catalogContract,
  ...certificateContract,
  ...oidcContract,
];
