/**
 * The record screen's address, /records/ID?page=2&q=hong+nhung: the record's PDF at the page of a search hit, with
 * the words searched marked there. Kept in the address so that a hit opened in a new tab, a reload or the back
 * button show the same.
 */
export interface RecordAddress { id: string; page: number | null; q: string }

export function recordPath({ id, page, q }: RecordAddress): string {
  const asked = new URLSearchParams({ ...(page ? { page: String(page) } : {}), ...(q ? { q } : {}) }).toString();
  return `/records/${id}${asked ? `?${asked}` : ''}`;
}

/** The record asked for by an address (a page that is no positive whole number is none). */
export function recordAddress(where: { pathname: string; search: string }): RecordAddress {
  const asked = new URLSearchParams(where.search);
  const page = Number(asked.get('page'));
  return { id: where.pathname.startsWith('/records/') ? where.pathname.slice('/records/'.length) : '', page: Number.isInteger(page) && page > 0 ? page : null, q: asked.get('q') ?? '' };
}
