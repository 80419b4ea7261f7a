/**
 * Reports for inspectors (mounted under /api/v1 behind authentication; docs/digitization-rate.md):
 *   GET /reports/digitization?unit=&from=&to=&groupBy=day|month|quarter|year[&by=procedure][&format=json|csv|xlsx]
 *       the digitization rate per unit (rolled up) and period; Accept: text/csv gives CSV, Accept: <xlsx> the workbook
 *   GET /reports/pipeline?unit=   the queue (pages waiting per stage) and throughput (pages archived per hour) per unit
 *   PUT /units/:code/digitization-target {"target": 0.85}   a unit's target (admins; unit-admins of a unit above it)
 * The report holds counts only (no one's data, no record content): its reads are not audited; setting a target is.
 */
import express, { type Request, type Response } from 'express';
import { jsonDepthGuard, parseInput, type Caller, type Db } from '@sohoa/shared';
import { digitizationCsv, digitizationRateReport, pipelineStatus } from '@sohoa/archive-api';
import { units } from '../accounts/index.ts';
import { DigitizationQuery, PipelineQuery, TargetInput, XLSX } from './reports.contract.ts';

const caller = (res: Response) => res.locals.caller as Caller;

/** format= wins; else the Accept header (JSON unless it prefers CSV or the workbook). */
function formatOf(req: Request, format: 'json' | 'csv' | 'xlsx' | undefined): 'json' | 'csv' | 'xlsx' {
  if (format) return format;
  const best = req.accepts(['application/json', 'text/csv', XLSX]);
  return best === 'text/csv' ? 'csv' : best === XLSX ? 'xlsx' : 'json';
}

export function reportRoutes(deps: { db: Db }): express.Router {
  const r = express.Router();
  r.get('/reports/digitization', async (req, res) => {
    const q = parseInput(DigitizationQuery, { ...req.query });
    const byProcedure = q.by === 'procedure';
    const report = await digitizationRateReport(deps.db, caller(res), { unit: q.unit, from: q.from, to: q.to, groupBy: q.groupBy ?? 'month', byProcedure });
    const format = formatOf(req, q.format);
    const name = `so-hoa-${q.from}-${q.to}`;
    res.vary('Accept');
    if (format === 'csv') return void res.type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${name}.csv"`).send(digitizationCsv(report.rows, byProcedure));
    if (format === 'xlsx') return void res.type(XLSX).set('Content-Disposition', `attachment; filename="${name}.xlsx"`).send(await report.spreadsheet());
    res.json({ rows: report.rows });
  });
  r.get('/reports/pipeline', async (req, res) => {
    const q = parseInput(PipelineQuery, { ...req.query });
    res.json({ rows: await pipelineStatus(deps.db, caller(res), { unit: q.unit }) });
  });
  r.put('/units/:code/digitization-target', express.json({ limit: '16kb', verify: jsonDepthGuard() }), async (req, res) => {
    const { target } = parseInput(TargetInput, { ...req.body });
    res.json(await units.setDigitizationTarget(deps.db, caller(res), req.params.code, target));
  });
  return r;
}
