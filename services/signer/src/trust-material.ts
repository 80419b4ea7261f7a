/**
 * The trust anchors and CRLs a verifier judges against, read from the
 * trust-anchors folder(s) (TRUST_ANCHORS_DIR, `sohoa verify --trust-dir`):
 * certificates as *.pem, *.crt or *.cer (PEM, PEM bundles or DER), CRLs as
 * *.crl. A folder that does not exist is simply empty: a fresh install has none.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export interface TrustMaterial {
  trustAnchorsPem: string[];
  crls: Uint8Array[];
  /** The files the anchors and CRLs came from, to tell the user what was trusted. */
  anchorFiles: string[];
  crlFiles: string[];
}

export interface TrustMaterialSources {
  /** One folder or several, read in name order. */
  trustAnchorsDir: string | string[];
  /** Extra anchor files, e.g. the development CA of the embedded first start; missing ones are skipped. */
  extraAnchorFiles?: string[];
}

const ANCHOR_FILE = /\.(pem|crt|cer)$/i;
const CRL_FILE = /\.crl$/i;

async function filesIn(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.sort().map((name) => path.join(dir, name));
}

export async function loadTrustMaterial(sources: TrustMaterialSources): Promise<TrustMaterial> {
  const dirs = Array.isArray(sources.trustAnchorsDir) ? sources.trustAnchorsDir : [sources.trustAnchorsDir];
  const files = (await Promise.all(dirs.map(filesIn))).flat();
  const candidates = [...files.filter((file) => ANCHOR_FILE.test(file)), ...(sources.extraAnchorFiles ?? [])];
  const material: TrustMaterial = { trustAnchorsPem: [], crls: [], anchorFiles: [], crlFiles: [] };
  for (const file of candidates) {
    const bytes = await fs.readFile(file).catch(() => null);
    if (!bytes) continue;
    const text = bytes.toString('latin1');
    // CAs hand out .crt/.cer files in DER as often as in PEM.
    material.trustAnchorsPem.push(text.includes('-----BEGIN CERTIFICATE-----') ? text : `-----BEGIN CERTIFICATE-----\n${bytes.toString('base64')}\n-----END CERTIFICATE-----\n`);
    material.anchorFiles.push(file);
  }
  for (const file of files.filter((candidate) => CRL_FILE.test(candidate))) {
    const bytes = await fs.readFile(file).catch(() => null);
    if (!bytes) continue;
    material.crls.push(new Uint8Array(bytes));
    material.crlFiles.push(file);
  }
  return material;
}
