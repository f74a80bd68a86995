import { badRequest } from './api-error.ts';

/** The page size when none is given, and the largest allowed (NSX's figures). */
export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 1000;

/** A parsed page request: start after `after` (a sort key; empty = from the start), at most `size` results. */
export interface PageRequest {
  readonly after: string;
  readonly size: number;
}

/** An NSX list result. */
export interface ListResult<T> {
  /** This page's objects. */
  readonly results: T[];
  /** How many objects match in all (every page). */
  readonly result_count: number;
  /** Opaque: pass it as `cursor` to get the next page; absent on the last page. */
  readonly cursor?: string;
}

/** Reads `cursor` and `page_size` from a query string; 400 when they are malformed. */
export function pageRequest(query: Record<string, unknown>): PageRequest {
  let size = DEFAULT_PAGE_SIZE;
  if (query.page_size !== undefined) {
    const s = String(query.page_size);
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > MAX_PAGE_SIZE) {
      throw badRequest(`page_size: must be an integer from 1 to ${MAX_PAGE_SIZE}, not "${s}"`);
    }
    size = Number(s);
  }
  let after = '';
  if (query.cursor !== undefined && query.cursor !== '') {
    const c = String(query.cursor);
    const decoded = /^[A-Za-z0-9_-]+$/.test(c) ? Buffer.from(c, 'base64url').toString('utf8') : '';
    if (!decoded.startsWith('k:')) throw badRequest(`cursor: "${c}" is not a cursor this server gave out`);
    after = decoded.slice(2);
  }
  return { after, size };
}

/** The cursor that continues after this sort key. */
export function cursorAfter(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
}

/** Builds a list result from `size + 1` fetched rows (the extra row tells whether there is a next page). */
export function listResult<T>(rows: T[], total: number, page: PageRequest, keyOf: (row: T) => string): ListResult<T> {
  if (rows.length > page.size) {
    const results = rows.slice(0, page.size);
    return { results, result_count: total, cursor: cursorAfter(keyOf(results[results.length - 1])) };
  }
  return { results: rows, result_count: total };
}
