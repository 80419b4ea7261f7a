import { createHash } from 'node:crypto';
import { z } from 'zod';
import { withTransaction, type Db, type Queryable } from './db.ts';
import { recordAudit } from './audit.ts';
import { AppError } from './errors.ts';
import { CATALOG_CODE_RULE, CONTROL_CHARACTERS, isCatalogCode, MAX_CODE_LENGTH } from './identifiers.ts';
import { describeIssues, fieldProblems } from './request-input.ts';
import type { Catalog, Retention } from './domain.ts';

const RetentionSchema = z.union([z.literal('permanent'), z.object({ years: z.number().int().min(1).max(200) })]);
// Codes end up in SQL, object metadata and the clerk's forms: the same shape rule as everywhere else.
const CodeSchema = z.string().min(1).max(MAX_CODE_LENGTH).refine(isCatalogCode, CATALOG_CODE_RULE);
const NameSchema = z.string().min(1).max(1000).refine((name) => !CONTROL_CHARACTERS.test(name), 'control characters are not allowed');
const ComponentSchema = z.object({
  code: CodeSchema,
  name: NameSchema,
  required: z.boolean().optional(),
  retention: RetentionSchema,
  // Optional: catalogs written before aliases existed (the shared sample) import as they are.
  aliases: z.array(NameSchema).max(50).optional(),
  formNumbers: z.array(z.string().min(1).max(200).refine((n) => !CONTROL_CHARACTERS.test(n), 'control characters are not allowed')).max(20).optional(),
});
/** A procedure catalog document (POST /api/v1/catalog, first start). */
export const CatalogSchema = z.object({
  version: z.number().int(),
  note: z.string().max(10_000).optional(),
  procedures: z
    .array(
      z.object({
        code: CodeSchema,
        name: NameSchema,
        level: z.string().max(100).optional(),
        components: z.array(ComponentSchema).min(1).max(500),
        results: z.array(ComponentSchema).max(500).optional(),
      }),
    )
    .min(1)
    .max(20_000),
}).superRefine((catalog, ctx) => {
  // Codes are keys of the stored catalog: a repeated one would fail half-way through the import, not say why.
  const procedures = new Set<string>();
  for (const [i, p] of catalog.procedures.entries()) {
    if (procedures.has(p.code)) ctx.addIssue({ code: 'custom', path: ['procedures', i, 'code'], message: `procedure ${p.code} is listed twice` });
    procedures.add(p.code);
    const parts = new Set<string>();
    for (const [list, items] of [['components', p.components], ['results', p.results ?? []]] as const) {
      for (const [j, c] of items.entries()) {
        if (parts.has(c.code)) ctx.addIssue({ code: 'custom', path: ['procedures', i, list, j, 'code'], message: `${c.code} is listed twice in procedure ${p.code}` });
        parts.add(c.code);
      }
    }
  }
});

/** Validates a procedure catalog document; names are NFC-normalized so matching and search compare like with like. */
export function parseCatalog(json: unknown): Catalog {
  const result = CatalogSchema.safeParse(json);
  if (!result.success) {
    throw new AppError('invalid-catalog', `invalid catalog: ${describeIssues(result.error.issues)}`, 422, { fields: fieldProblems(result.error.issues) });
  }
  const catalog = result.data;
  for (const p of catalog.procedures) {
    p.name = p.name.normalize('NFC');
    for (const c of [...p.components, ...(p.results ?? [])]) {
      c.name = c.name.normalize('NFC');
      if (c.aliases) c.aliases = c.aliases.map((a) => a.normalize('NFC'));
      if (c.formNumbers) c.formNumbers = c.formNumbers.map((n) => n.normalize('NFC'));
    }
  }
  return catalog as Catalog;
}

export const retentionYears = (r: Retention): number | null => (r === 'permanent' ? null : r.years);

/**
 * Stores a catalog as a new version unless the same bytes were imported before; returns the version id. One
 * transaction: a failure half-way leaves no version with some of its procedures, which batches would then use.
 */
export async function importCatalog(pool: Db, raw: Buffer, actor = 'system'): Promise<{ versionId: number; created: boolean }> {
  const catalog = parseCatalog(JSON.parse(raw.toString('utf8')));
  const sha = createHash('sha256').update(raw).digest('hex');
  return withTransaction(pool, async (tx) => {
    const stored = await storeCatalog(tx, catalog, sha);
    if (stored.created) await recordAudit(tx, { actor, action: 'catalog.imported', subjectType: 'catalog', subjectId: String(stored.versionId), detail: { sha256: sha, procedures: catalog.procedures.length } });
    return stored;
  });
}

async function storeCatalog(db: Queryable, catalog: Catalog, sha: string): Promise<{ versionId: number; created: boolean }> {
  // Two imports of the same bytes at once: the second waits here for the first, then finds its version.
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`catalog:${sha}`]);
  const existing = await db.query<{ id: number }>('SELECT id FROM catalog_versions WHERE source_sha256 = $1', [sha]);
  if (existing.rows[0]) return { versionId: existing.rows[0].id, created: false };
  const { rows } = await db.query<{ id: number }>('INSERT INTO catalog_versions (source_sha256, document) VALUES ($1, $2) RETURNING id', [sha, catalog]);
  const versionId = rows[0].id;
  for (const p of catalog.procedures) {
    await db.query('INSERT INTO procedures (catalog_version_id, code, name, level) VALUES ($1, $2, $3, $4)', [versionId, p.code, p.name, p.level ?? null]);
    const parts = [...p.components.map((c) => ({ ...c, kind: 'component' })), ...(p.results ?? []).map((c) => ({ ...c, kind: 'result' }))];
    for (const [position, c] of parts.entries()) {
      await db.query(
        `INSERT INTO components (catalog_version_id, procedure_code, code, kind, name, required, retention_years, position, aliases, form_numbers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [versionId, p.code, c.code, c.kind, c.name, c.required ?? false, retentionYears(c.retention), position, c.aliases ?? [], c.formNumbers ?? []],
      );
    }
  }
  return { versionId, created: true };
}

