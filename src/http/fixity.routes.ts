/**
 * The fixity report over HTTP:
 *   GET  /fixity[?unit=CODE&status=…&after=ID&limit=N]   the latest check of each record, counts per status, recent runs
 *   POST /fixity/runs {"unit"?}                           start a run now (answered 202 with its id; a job works it)
 *   GET  /fixity/runs/:id                                 a run: progress, and the records it did not find intact
 * Who sees what: the units where the caller reads records (records:read) or reads the trail (audit:read, the
 * auditor's role): a fixity report is both. Another unit's run answers 404.
 */
import express, { type Response } from 'express';
import { AppError, actorOf, isUuid, parseInput, unitsWhere, withTransaction, type Caller, type Db, type Queue } from '@sohoa/shared';
import { fixity } from '@sohoa/archive-api';
import { ReportQuery, RunRequest } from './fixity.contract.ts';

const caller = (res: Response) => res.locals.caller as Caller;

/** The units whose fixity the caller may see: null = all; 403 when it holds neither permission anywhere. */
function readableUnits(c: Caller): string[] | null {
  const sets: (Set<string> | 'all')[] = [];
  for (const permission of ['records:read', 'audit:read'] as const) {
    try {
      sets.push(unitsWhere(c, permission));
    } catch {
      // not held: the other permission may be
    }
  }
  if (!sets.length) throw new AppError('forbidden', 'this needs the records:read or audit:read permission', 403);
  if (sets.includes('all')) return null;
  return [...new Set(sets.flatMap((s) => [...(s as Set<string>)]))];
}

/** Narrows the caller's units to one unit by code; a unit outside them is not found. */
async function scope(db: Db, units: string[] | null, unitCode: string | undefined): Promise<string[] | null> {
  if (!unitCode) return units;
  const { rows } = await db.query<{ id: string }>('SELECT id FROM units WHERE code = $1', [unitCode]);
  const id = rows[0]?.id;
  if (!id || (units && !units.includes(id))) throw new AppError('not-found', 'unit not found', 404);
  return [id];
}

/** A run is visible when every unit it covers is the caller's (a run over every unit: only to a caller of every unit). */
function maySee(units: string[] | null, run: fixity.FixityRun): boolean {
  return units === null || (run.unitIds !== null && run.unitIds.every((u) => units.includes(u)));
}

export function fixityRoutes(deps: { db: Db; queue: Queue }): express.Router {
  const r = express.Router();

  r.get('/fixity', async (req, res) => {
    const q = parseInput(ReportQuery, { ...req.query });
    const units = await scope(deps.db, readableUnits(caller(res)), q.unit);
    const limit = q.limit ?? 100;
    const items = await fixity.latestChecks(deps.db, { unitIds: units, status: q.status ?? null, after: q.after ?? null, limit });
    res.json({
      counts: await fixity.statusCounts(deps.db, units),
      items,
      next: items.length === limit ? items[items.length - 1]!.record : null,
      runs: await fixity.listRuns(deps.db, { unitIds: units, limit: 20 }),
    });
  });

  r.post('/fixity/runs', express.json({ limit: '16kb' }), async (req, res) => {
    const body = parseInput(RunRequest, req.body ?? {});
    // Starting a check reads records: records:read where it runs.
    const held = unitsWhere(caller(res), 'records:read');
    const units = await scope(deps.db, held === 'all' ? null : [...held], body.unit);
    const run = await withTransaction(deps.db, async (tx) => {
      const created = await fixity.createRun(tx, { trigger: 'request', requestedBy: actorOf(caller(res)), unitIds: units });
      await deps.queue.send('fixity.run', { runId: created.id }, { tx });
      return created;
    });
    res.status(202).json(run);
  });

  r.get('/fixity/runs/:id', async (req, res) => {
    const units = readableUnits(caller(res));
    const run = isUuid(req.params.id) ? await fixity.loadRun(deps.db, req.params.id) : null;
    if (!run || !maySee(units, run)) throw new AppError('not-found', 'fixity run not found', 404);
    res.json({ ...run, problems: await fixity.failedChecksOfRun(deps.db, run.id) });
  });

  return r;
}
