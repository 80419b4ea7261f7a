/**
 * The procedure catalog over HTTP:
 *   POST /catalog   import a catalog version (admin): 201 when it is new, 200 when the same version was there
 */
import express from 'express';
import { AppError, actorOf, importCatalog, jsonDepthGuard, requirePermission, type Db } from '@sohoa/shared';
import { callerOf } from './acting.ts';

/** Mounted under /api/v1 behind the token check. */
export function catalogRoutes(deps: { db: Db }): express.Router {
  const r = express.Router();

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
