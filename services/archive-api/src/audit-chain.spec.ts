import { describe, expect, it } from 'vitest';
import { chainHash, ChainWalker, formatChainReport, GENESIS_HASH, type ChainRow, type StoredHead } from './audit-chain.ts';

/** A chain built the way the database builds it: canonical content with its seq, hash over the previous hash. */
function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  for (let seq = 1; seq <= n; seq++) rows.push(link(rows.at(-1)?.hash ?? GENESIS_HASH, seq, String(seq * 10), `e${seq}`));
  return rows;
}
function link(prevHash: string, seq: number, id: string, action: string): ChainRow {
  const canonical = `{"id": ${id}, "seq": ${seq}, "action": "${action}"}`;
  return { seq, id, at: '2026-01-01T00:00:00.000Z', prevHash, hash: chainHash(prevHash, canonical), canonical };
}
function walk(rows: ChainRow[], head: StoredHead | null = null) {
  const walker = new ChainWalker(head);
  for (const r of rows) walker.add(r);
  return walker.finish();
}

describe('the audit chain walker', () => {
  it('finds an untouched chain intact and ends at its last row', () => {
    const rows = chain(5);
    expect(walk(rows)).toMatchObject({ intact: true, rows: 5, last: { seq: 5, hash: rows[4]!.hash }, problems: [] });
    expect(formatChainReport(walk(rows))).toMatch(/^audit trail intact: 5 row\(s\)/);
  });

  it('names a changed row once, not its successor too', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, canonical: rows[2]!.canonical.replace('e3', 'e3!') };
    expect(walk(rows).problems).toEqual([expect.objectContaining({ kind: 'changed', seq: 3, id: '30' })]);
    // Its hash column edited to anything: still one problem, on that row.
    rows[2] = { ...chain(5)[2]!, hash: 'f'.repeat(64) };
    expect(walk(rows).problems).toEqual([expect.objectContaining({ kind: 'changed', seq: 3, id: '30' })]);
  });

  it('names the first missing number of deleted rows', () => {
    const rows = chain(6);
    expect(walk([...rows.slice(0, 2), ...rows.slice(4)]).problems).toEqual([expect.objectContaining({ kind: 'deleted', seq: 3, message: expect.stringMatching(/rows 3–4 are missing/) })]);
  });

  it('names an inserted row by the next row\'s link, with the rows after it renumbered', () => {
    const rows = chain(5);
    const forged = link(rows[1]!.hash, 3, '999', 'forged');
    const shifted = rows.slice(2).map((r) => ({ ...r, seq: r.seq + 1, canonical: r.canonical })); // content still says the old seq
    const report = walk([rows[0]!, rows[1]!, forged, ...shifted]);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'inserted', seq: 3, id: '999' })]);
    expect(report.problemCount).toBe(1);
  });

  it('names a row whose hash was recomputed after an edit as replaced', () => {
    const rows = chain(5);
    rows[1] = link(rows[0]!.hash, 2, '20', 'rewritten');
    expect(walk(rows).problems).toEqual([expect.objectContaining({ kind: 'changed', seq: 2, id: '20', message: expect.stringMatching(/replaced/) })]);
  });

  it('compares with the stored head: a cut tail, and a chain rewritten up to it', () => {
    const rows = chain(6);
    const head = { seq: 6, hash: rows[5]!.hash, at: '2026-01-01T00:10:00Z', key: 'audit-heads/00000000000000000006.json' };
    expect(walk(rows, head).intact).toBe(true);
    expect(walk(rows.slice(0, 3), head).problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 4 })]);
    expect(walk(rows, { ...head, seq: 4 }).problems).toEqual([expect.objectContaining({ kind: 'changed', seq: 4, id: null })]);
  });
});
