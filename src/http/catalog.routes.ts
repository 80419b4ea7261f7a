/**
 * The procedure catalog over HTTP:
 *   GET  /catalog/procedures   the latest version's procedures and their components (any caller: no unit's data)
 *   POST /catalog   import a catalog version (admin): 201 when it is new, 200 when the same version was there
 */
import express from 'express';
import { AppError, actorOf, importCatalog, jsonDepthGuard, requirePermission, type Db } from '@sohoa/shared';
import { callerOf } from './acting.ts';

/** Mounted under /api/v1 behind the token check. */
export function catalogRoutes(deps: { db: Db }): express.Router {
  const r = express.Router();

  r.get('/catalog/procedures', async (_req, res) => {
    const latest = await deps.db.query<{ id: number }>('SELECT max(id) AS id FROM catalog_versions');
    const version = latest.rows[0]?.id ?? null;
    const rows = version === null ? [] : (await deps.db.query<{ code: string; name: string; level: string | null; components: { code: string; name: string; required: boolean }[] }>(
      `SELECT p.code, p.name, p.level,
              coalesce((SELECT json_agg(json_build_object('code', c.code, 'name', c.name, 'required', c.required) ORDER BY c.position)
                        FROM components c WHERE c.catalog_version_id = p.catalog_version_id AND c.procedure_code = p.code AND c.kind = 'component'), '[]'::json) AS components
       FROM procedures p WHERE p.catalog_version_id = $1 ORDER BY p.code`,
      [version],
    )).rows;
    res.json({ version, procedures: rows });
  });

  r.post('/catalog', express.json({ limit: '5mb', verify: jsonDepthGuard() }), async (req, res) => {
    requirePermission(callerOf(res), 'catalog:import'); // global: the catalog serves every unit
    if (!req.is('application/json')) throw new AppError('not-json', 'send the catalog as application/json', 415);
    // The body parser refused absurd nesting already, so this serialization cannot run out of stack.
    const raw = Buffer.from(JSON.stringify(req.body ?? {}));
    try {
      const result = await importCatalog(deps.db, raw, actorOf(callerOf(res)));
      res.status(result.created ? 201 : 200).json(result);
    } catch (err) {
      if (err instanceof SyntaxError) throw new AppError('invalid-catalog', 'the catalog is not valid JSON', 422);
      throw err;
    }
  });

  return r;
}
