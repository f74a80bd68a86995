/** The parts of a Kubernetes object the adapter reads, checked rather than cast (objects from the API server). */

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A Kubernetes object as the API server returns it: at least metadata.name. */
export interface KubeObject extends Json {
  metadata: Json & { name: string; namespace?: string; resourceVersion?: string; uid?: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** The object when it has the shape of one (metadata with a string name), else undefined. */
export function asKubeObject(v: unknown): KubeObject | undefined {
  if (!isObject(v) || !isObject(v.metadata) || typeof v.metadata.name !== 'string') return undefined;
  const m = v.metadata;
  for (const k of ['labels', 'annotations'] as const) {
    if (m[k] !== undefined && (!isObject(m[k]) || Object.values(m[k]).some((x) => typeof x !== 'string'))) return undefined;
  }
  if (m.namespace !== undefined && typeof m.namespace !== 'string') return undefined;
  return v as KubeObject;
}

/** `namespace/name` (or `name`), the key of an object within its kind. */
export function objectKey(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

/** The value at a path of keys, or undefined. */
export function at(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const k of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
}

/** The HTTP status of an error thrown by @kubernetes/client-node (ApiException.code or a watch's statusCode). */
export function statusOf(e: unknown): number | undefined {
  if (!isObject(e)) return undefined;
  const c = (e as { code?: unknown; statusCode?: unknown }).code ?? (e as { statusCode?: unknown }).statusCode;
  return typeof c === 'number' ? c : undefined;
}

/** The API server's message of an error (the Status body's message), without anything else of the request. */
export function messageOf(e: unknown): string {
  if (isObject(e)) {
    const body = (e as { body?: unknown }).body;
    let parsed: unknown = body;
    if (typeof body === 'string') {
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
    }
    const m = at(parsed, 'message');
    if (typeof m === 'string') return m;
  }
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].slice(0, 500);
}
