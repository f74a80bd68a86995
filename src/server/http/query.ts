import { badRequest } from './api-error.ts';

/** A query parameter given at most once, as a string (undefined when absent); 400 when it is repeated. */
export function queryString(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (!Object.hasOwn(query, name)) return undefined;
  const v = query[name];
  if (Array.isArray(v)) throw badRequest(`${name}: give this query parameter once, not ${v.length} times`);
  if (typeof v !== 'string') throw badRequest(`${name}: not a valid query parameter value`);
  return v;
}

/** A boolean query parameter (`true` or `false`, default false); 400 for anything else. */
export function queryFlag(query: Readonly<Record<string, unknown>>, name: string): boolean {
  const v = queryString(query, name);
  if (v === undefined) return false;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badRequest(`${name}: use true or false, not "${v.slice(0, 40)}"`);
}
