/**
 * Records for the search benchmark: the sample generator's documents (every component and result of the sample
 * catalog, with names, identification numbers and addresses), varied per record so a million records are not a
 * few thousand copies: each record gets its own owner identifier, dossier code and date, and about one word in
 * two hundred gets an OCR slip (a letter read as another). A few planted records carry a rare word.
 */
import { CATALOG_COMPONENTS, CATALOG_RESULTS, catalogDocumentFor, createRng } from '@sohoa/samples';
import type { FixtureRecord } from '../../test/helpers/search-fixtures.ts';

export const RARE_WORD = 'Khuông Quýnh';
export const PLANTED = 7;
const POOL = 4000;
const codes = [...CATALOG_COMPONENTS, ...CATALOG_RESULTS];

interface PoolDoc { procedure: string; component: string; title: string; pages: string[]; identifiers: string[] }

export function documentPool(seed: number, size = POOL): PoolDoc[] {
  return Array.from({ length: size }, (_, i) => {
    const d = catalogDocumentFor(codes[i % codes.length]!, createRng(`${seed}:${i}`));
    const identifiers = Object.entries(d.fields).filter(([k, v]) => /Identifier$/.test(k) && /^\d{12}$/.test(String(v))).map(([, v]) => String(v));
    return { procedure: d.procedure, component: d.component, title: d.title, pages: d.pages.map((p) => p.map((b) => b.text).join('\n')), identifiers };
  });
}

const SLIPS: Record<string, string> = { n: 'm', m: 'n', h: 'b', c: 'e', e: 'c', l: 'i', i: 'l', o: 'ô', u: 'ư', a: 'ă', t: 'f', g: 'q' };

function slip(text: string, random: () => number): string {
  return text.replace(/\p{L}{4,}/gu, (w) => {
    if (random() > 0.005) return w;
    const at = Math.floor(random() * w.length);
    const to = SLIPS[w[at]!];
    return to ? w.slice(0, at) + to + w.slice(at + 1) : w;
  });
}

const SPAN_MS = 7 * 365 * 86_400_000; // 2019 to 2025

/**
 * Record i of `total` (deterministic): a pool document with its own identifiers, dossier and date. The dates rise
 * with i over seven years, as sohoa archives records (created_at is the archiving time, so the table and the GIN
 * posting lists hold them in time order).
 */
export function corpusRecord(pool: readonly PoolDoc[], units: readonly { id: string; code: string }[], i: number, total: number, random: () => number): FixtureRecord & { owner: string } {
  const doc = pool[Math.floor(random() * pool.length)]!;
  const owner = String(1e11 + i * 7919 % 9e11).padStart(12, '0');
  const unit = units[i % units.length]!;
  let pages = doc.pages.map((p) => slip(p, random));
  for (const id of doc.identifiers.slice(0, 1)) pages = pages.map((p) => p.split(id).join(owner));
  const day = new Date(Date.UTC(2019, 0, 1) + Math.floor(((i + random()) / total) * SPAN_MS));
  const yymmdd = day.toISOString().slice(2, 10).replace(/-/g, '');
  if (i < PLANTED) pages = [...pages.slice(0, -1), `${pages.at(-1)}\nNgười làm chứng: ${RARE_WORD}`];
  const retentionYears = doc.component.endsWith('-KQ') ? null : [5, 10, 20][i % 3]!;
  return {
    unitId: unit.id, unitCode: unit.code, title: doc.title, procedure: doc.procedure, component: doc.component, componentName: doc.title,
    dossier: `${unit.code}-${yymmdd}-${String(i % 10000).padStart(4, '0')}`, owner, pages, createdAt: day.toISOString(),
    retentionYears, retainUntil: retentionYears === null ? null : `${day.getUTCFullYear() + retentionYears}-12-31`, legalHold: i % 997 === 0,
  };
}
