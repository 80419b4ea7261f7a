/**
 * Every route the HTTP layer mounts, described (openapi/contract.ts): the OpenAPI document is made from this list,
 * and openapi/openapi.spec.ts fails, naming the route, when a mounted route is missing here or a described one is
 * not mounted. A new router adds its `<domain>.contract.ts` list below.
 */
import type { RouteContract } from './openapi/contract.ts';
import { accountContract, sessionContract } from './accounts.contract.ts';
import { auditContract } from './audit.contract.ts';
import { batchContract } from './batches.contract.ts';
import { catalogContract } from './catalog.contract.ts';
import { certificateContract } from './certificates.contract.ts';
import { descriptionContract } from './description.contract.ts';
import { dispositionContract } from './disposition.contract.ts';
import { dossierContract } from './dossiers.contract.ts';
import { exportContract } from './exports.contract.ts';
import { fixityContract } from './fixity.contract.ts';
import { holdContract } from './holds.contract.ts';
import { oidcContract } from './oidc.contract.ts';
import { recordContract } from './records.contract.ts';
import { reuseContract } from './reuse.contract.ts';
import { reportContract } from './reports.contract.ts';
import { searchContract } from './search.contract.ts';
import { systemContract } from './system.contract.ts';
import { webhookContract } from './webhooks.contract.ts';

/** The document's groups, one per router, in the order the docs page shows them. */
export const tags: Record<string, string> = {
  batches: 'Scanner batches in, and the files that could not be taken (quarantine)',
  dossiers: 'Dossiers, documents, the review list, and the clerk\'s corrections',
  records: 'Archived records: metadata, the signed PDF, signature verification',
  search: 'Finding records (full text, filters, facets), and the searches a person keeps',
  catalog: 'The procedure catalog (procedures and their components)',
  description: 'Archival description: files, documents and fonds (circular 05/2025 fields), corrections and XML/JSON/xlsx exports',
  exports: 'BagIt (RFC 8493) packages of a record, a file, a fonds or a search result',
  holds: 'Legal holds: placed by an archivist, lifted by the archive lead',
  disposition: 'Disposition of records whose retention has ended: proposal, approval by another person, tombstones',
  fixity: 'Fixity: every stored object read back and checked against its digest and signatures',
  reuse: 'Reuse of digitized results by other systems and later dossiers (reuse:read, X-Purpose), and a dossier\'s completeness',
  audit: 'The hash-chained audit trail',
  reports: 'Reports for inspectors: the digitization rate per unit and period, against its target',
  certificates: 'Units\' signing certificates',
  accounts: 'Units, people and their roles, and the API keys of other systems',
  webhooks: 'Events for other systems: webhook subscriptions of their keys, signed deliveries (Standard Webhooks) and the delivery log',
  session: 'Signing in and out, and who is calling',
  oidc: 'Sign-in through a central sign-on (OpenID Connect), when configured',
  system: 'Health, readiness, and this description',
};

export const contracts: readonly RouteContract[] = [
  ...systemContract,
  ...batchContract,
  ...searchContract,
  ...recordContract,
  ...dossierContract,
  ...catalogContract,
  ...certificateContract,
  ...descriptionContract,
  ...exportContract,
  ...holdContract,
  ...dispositionContract,
  ...fixityContract,
  ...reuseContract,
  ...auditContract,
  ...reportContract,
  ...sessionContract,
  ...accountContract,
  ...webhookContract,
  ...oidcContract,
];
