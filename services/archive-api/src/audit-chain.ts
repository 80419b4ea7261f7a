/**
 * The audit trail's hash chain, checked on plain data (no I/O): each row's hash is SHA-256 of the previous row's
 * hash, a newline and the row's canonical content (shared/migrations/1765200000000_audit-chain.sql says what that
 * is; the repository asks PostgreSQL for it). Walking the rows in chain order finds the first row that is not what
 * was written: changed (its content no longer hashes to its hash), deleted (a gap in the sequence), inserted (the
 * next row was linked to an earlier one), or a tail cut off after the last head written to the object store.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** One row as the verifier reads it. `canonical` is PostgreSQL's canonical text of the row. */
export interface ChainRow { seq: number; id: string; at: string; prevHash: string; hash: string; canonical: string }

/** The end of the chain at one moment, as written to the object store. */
export interface ChainHead { seq: number; hash: string; at: string }
export interface StoredHead extends ChainHead { key: string }

export type ChainProblemKind = 'changed' | 'deleted' | 'inserted' | 'unchained' | 'truncated';
export interface ChainProblem {
  kind: ChainProblemKind;
  /** The first row concerned (for `deleted` and `truncated`: the first missing sequence number); null when it has none. */
  seq: number | null;
  /** The row's id in audit_events, when the row is there. */
  id: string | null;
  message: string;
}

export interface ChainReport {
  intact: boolean;
  /** Rows checked in the chain. */
  rows: number;
  last: ChainHead | null;
  storedHead: StoredHead | null;
  /** The first problems in chain order (at most MAX_PROBLEMS), the first bad row first. */
  problems: ChainProblem[];
  problemCount: number;
}

export const MAX_PROBLEMS = 50;
/** How far back a broken link is looked up to tell inserted rows from deleted ones. */
const LOOKBACK = 1000;

export const chainHash = (prevHash: string, canonical: string): string =>
  createHash('sha256').update(`${prevHash}\n${canonical}`, 'utf8').digest('hex');

/** Walks the chain row by row in sequence order (rows are given in pages, never all in memory). */
export class ChainWalker {
  private previous: ChainRow | null = null;
  private readonly recent = new Map<string, { seq: number; id: string }>();
  private readonly recentOrder: string[] = [];
  private readonly found: ChainProblem[] = [];
  private count = 0;
  private rows = 0;
  private headHashSeen: string | null = null;
  /** The last row reported, so a row whose hash column was edited is not reported again through its successor's link. */
  private flagged: number | null = null;
  /** Rows counted as inserted so far: later rows may have been renumbered by as many to make room. */
  private shift = 0;

  constructor(private readonly storedHead: StoredHead | null) {}

  add(row: ChainRow): void {
    this.rows++;
    const prev = this.previous;
    const expectedSeq = prev ? prev.seq + 1 : 1;
    const expectedPrev = prev ? prev.hash : GENESIS_HASH;
    let intactSelf = chainHash(row.prevHash, row.canonical) === row.hash;
    // Rows moved down to make room for inserted ones are intact apart from their number: not separate problems.
    const renumbered = () => this.shift !== 0 && chainHash(row.prevHash, row.canonical.replace(`"seq": ${row.seq}`, `"seq": ${row.seq - this.shift}`)) === row.hash;

    if (row.seq > expectedSeq) {
      const last = row.seq - 1;
      this.problem({
        kind: 'deleted', seq: expectedSeq, id: null,
        message: `${last === expectedSeq ? `row ${expectedSeq} is` : `rows ${expectedSeq}–${last} are`} missing (deleted): the chain goes from row ${prev?.seq ?? 0} to row ${row.seq}`,
      });
    } else if (row.prevHash !== expectedPrev && prev) {
      const linkedTo = this.recent.get(row.prevHash);
      if (linkedTo && linkedTo.seq < prev.seq) {
        const first = this.recentRowAfter(linkedTo.seq);
        const inserted = prev.seq - linkedTo.seq;
        this.shift += inserted;
        this.problem({
          kind: 'inserted', seq: first.seq, id: first.id,
          message: `${inserted === 1 ? `row ${first.seq} (id ${first.id}) was` : `rows ${first.seq}–${prev.seq} were`} inserted: row ${row.seq} was linked to row ${linkedTo.seq}`,
        });
      } else if (intactSelf || renumbered()) {
        if (this.flagged !== prev.seq) this.problem({ kind: 'changed', seq: prev.seq, id: prev.id, message: `row ${prev.seq} (id ${prev.id}) was replaced: row ${row.seq} was linked to a row with another hash` });
      } else {
        this.problem({ kind: 'changed', seq: row.seq, id: row.id, message: `row ${row.seq} (id ${row.id}) was changed: its link and its content no longer match its hash` });
        intactSelf = true; // reported once
      }
    }
    if (!intactSelf && !renumbered()) {
      this.problem({ kind: 'changed', seq: row.seq, id: row.id, message: `row ${row.seq} (id ${row.id}) was changed after it was written: its content no longer hashes to its stored hash` });
    }

    if (this.storedHead && row.seq === this.storedHead.seq) this.headHashSeen = row.hash;
    this.remember(row);
    this.previous = row;
  }

  /** Rows outside the chain (no sequence number): put there by someone who switched the link trigger off. */
  addUnchained(id: string): void {
    this.problem({ kind: 'unchained', seq: null, id, message: `row id ${id} is not in the chain: it was inserted with the chain's trigger switched off` });
  }

  finish(): ChainReport {
    const head = this.storedHead;
    const lastSeq = this.previous?.seq ?? 0;
    if (head && lastSeq < head.seq) {
      this.problem({
        kind: 'truncated', seq: lastSeq + 1, id: null,
        message: `rows ${lastSeq + 1}–${head.seq} are missing at the end: the head written at ${head.at} (${head.key}) had row ${head.seq}`,
      });
    } else if (head && this.headHashSeen !== null && this.headHashSeen !== head.hash) {
      this.problem({
        kind: 'changed', seq: head.seq, id: null,
        message: `the chain up to row ${head.seq} was rewritten: its hash differs from the head written at ${head.at} (${head.key})`,
      });
    }
    const problems = [...this.found].sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
    const last = this.previous ? { seq: this.previous.seq, hash: this.previous.hash, at: this.previous.at } : null;
    return { intact: this.count === 0, rows: this.rows, last, storedHead: head, problems, problemCount: this.count };
  }

  private problem(p: ChainProblem): void {
    this.count++;
    if (p.seq !== null && p.id !== null) this.flagged = p.seq;
    if (this.found.length < MAX_PROBLEMS) this.found.push(p);
  }

  private remember(row: ChainRow): void {
    this.recent.set(row.hash, { seq: row.seq, id: row.id });
    this.recentOrder.push(row.hash);
    if (this.recentOrder.length > LOOKBACK) this.recent.delete(this.recentOrder.shift()!);
  }

  private recentRowAfter(seq: number): { seq: number; id: string } {
    for (const hash of this.recentOrder) {
      const r = this.recent.get(hash);
      if (r && r.seq === seq + 1) return r;
    }
    return { seq: seq + 1, id: '?' };
  }
}

/** The report in words, one line per problem (the CLI prints it). */
export function formatChainReport(report: ChainReport): string {
  const lines = [
    report.intact
      ? `audit trail intact: ${report.rows} row(s) chained${report.last ? `, last row ${report.last.seq} ${report.last.hash}` : ''}`
      : `audit trail NOT intact: ${report.problemCount} problem(s) in ${report.rows} row(s); first bad row: ${report.problems[0]?.message}`,
    report.storedHead
      ? `checked against the head written at ${report.storedHead.at} (${report.storedHead.key}, row ${report.storedHead.seq})`
      : 'no head written to the object store yet: a cut-off tail cannot be seen',
  ];
  for (const p of report.problems.slice(1)) lines.push(`  ${p.kind}: ${p.message}`);
  if (report.problemCount > report.problems.length) lines.push(`  … and ${report.problemCount - report.problems.length} more`);
  return lines.join('\n');
}
