/**
 * Which records need long-term validation work now (pure). A record is kept beyond its certificates when it is
 * permanent or its retain-until date is after the signer's certificate expires; such a record is extended to
 * B-LTA once a TSA is configured, and its last time-stamp renewed before that time-stamp's authority certificate
 * expires (with a margin, so a TSA that is down for a while still leaves time).
 */
export interface LtvState {
  recordId: string;
  /** null: permanent. */
  retainUntil: Date | null;
  signerCertificateExpires: Date;
  /** The newest time-stamp's authority certificate expiry; null when the record has no document time-stamp yet. */
  lastTimestampExpires: Date | null;
}

export type LtvAction = { recordId: string; action: 'extend' | 'renew'; why: string };

export function ltvDue(records: LtvState[], now: Date, renewMarginDays: number): LtvAction[] {
  const margin = renewMarginDays * 24 * 60 * 60 * 1000;
  const out: LtvAction[] = [];
  for (const r of records) {
    const outlives = r.retainUntil === null || r.retainUntil.getTime() > r.signerCertificateExpires.getTime();
    if (!outlives) continue;
    if (r.lastTimestampExpires === null) {
      out.push({ recordId: r.recordId, action: 'extend', why: r.retainUntil === null ? 'kept permanently' : 'kept longer than its signing certificate lives' });
    } else if (r.lastTimestampExpires.getTime() - margin <= now.getTime()) {
      out.push({ recordId: r.recordId, action: 'renew', why: `its last time-stamp's certificate expires ${r.lastTimestampExpires.toISOString().slice(0, 10)}` });
    }
  }
  return out;
}
