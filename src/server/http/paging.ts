import { badRequest } from './api-error.ts';
import { queryString } from './query.ts';

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
  const pageSize = queryString(query, 'page_size');
  const cursor = queryString(query, 'cursor');
  if (pageSize !== undefined) {
    const s = pageSize;
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > MAX_PAGE_SIZE) {
      throw badRequest(`page_size: must be an integer from 1 to ${MAX_PAGE_SIZE}, not "${s.slice(0, 20)}"`);
    }
    size = Number(s);
  }
  let after = '';
  if (cursor !== undefined && cursor !== '') {
    const c = cursor;
    const decoded = /^[A-Za-z0-9_-]+$/.test(c) ? Buffer.from(c, 'base64url').toString('utf8') : '';
    if (!decoded.startsWith('k:')) throw badRequest('cursor: not a cursor this server gave out');
    after = decoded.slice(2);
  }
  return { after, size };
}

/** A page request whose sort key is a row id (newest or oldest first); 400 when the cursor's key is not one. */
export function idPageRequest(query: Record<string, unknown>): PageRequest {
  const page = pageRequest(query);
  if (page.after !== '' && !/^\d{1,15}$/.test(page.after)) throw badRequest('cursor: not a cursor this server gave out');
  return page;
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
