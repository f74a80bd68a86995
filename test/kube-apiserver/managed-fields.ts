/**
 * Server-side apply's field ownership. A field is a path of map keys; lists are atomic (the Antrea CRDs declare no
 * `x-kubernetes-list-type: map|set`, so each list is owned whole, as the API server owns it), maps are granular,
 * an empty map is a field of its own. `metadata.labels` and `metadata.annotations` are owned key by key; the
 * object's identity (apiVersion, kind, name, namespace, uid, resourceVersion, ...) is nobody's.
 */

type Json = Record<string, unknown>;

/** One manager's fields, as `metadata.managedFields` lists them. */
export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: Set<string>;
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const META_OWNED = ['labels', 'annotations', 'ownerReferences', 'finalizers'];

/** The leaf paths of an object (JSON-encoded key arrays), without `status` unless `status` is asked for. */
export function fieldSet(object: Json, part: 'main' | 'status' | 'all'): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, path: string[]): void => {
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
    } else out.add(JSON.stringify(path));
  };
  for (const [k, v] of Object.entries(object)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata') {
      if (part === 'status') continue;
      if (!isObject(v)) continue;
      for (const mk of META_OWNED) if (v[mk] !== undefined) walk(v[mk], ['metadata', mk]);
      continue;
    }
    if (part === 'main' && k === 'status') continue;
    if (part === 'status' && k !== 'status') continue;
    walk(v, [k]);
  }
  return out;
}

export function valueAt(object: unknown, path: readonly string[]): unknown {
  let cur = object;
  for (const k of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Removes the value at a path, then the maps left empty on the way up (except the root's children). */
export function removeAt(object: Json, path: readonly string[]): void {
  const parents: Json[] = [];
  let cur: unknown = object;
  for (const k of path.slice(0, -1)) {
    if (!isObject(cur)) return;
    parents.push(cur);
    cur = cur[k];
  }
  if (!isObject(cur)) return;
  delete cur[path[path.length - 1]];
  for (let i = path.length - 2; i >= 1; i--) {
    const child = parents[i] ? (parents[i][path[i]] as unknown) : undefined;
    if (isObject(child) && Object.keys(child).length === 0) delete parents[i][path[i]];
    else break;
  }
}

/** Whether two paths overlap (one is the other or its ancestor). */
export function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Deep merge of an applied configuration into an object: maps merge, lists and scalars replace. */
export function mergeApplied(base: unknown, applied: unknown): unknown {
  if (!isObject(base) || !isObject(applied)) return structuredClone(applied);
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(applied)) out[k] = k in base ? mergeApplied(base[k], v) : structuredClone(v);
  return out;
}

/** The fields whose values differ between two versions of an object (paths from both sides). */
export function changedFields(before: Json, after: Json, part: 'main' | 'status' | 'all'): Set<string> {
  const out = new Set<string>();
  const paths = new Set([...fieldSet(before, part), ...fieldSet(after, part)]);
  for (const p of paths) {
    const path = JSON.parse(p) as string[];
    if (JSON.stringify(valueAt(before, path)) !== JSON.stringify(valueAt(after, path))) out.add(p);
  }
  return out;
}

/** `fieldsV1` as the API server writes it: nested `f:<key>` maps, `{}` at each owned field. */
export function fieldsV1Of(fields: Iterable<string>): Json {
  const root: Json = {};
  for (const p of fields) {
    let cur = root;
    for (const k of JSON.parse(p) as string[]) {
      const key = `f:${k}`;
      cur[key] ??= {};
      cur = cur[key] as Json;
    }
  }
  return root;
}

/** `metadata.managedFields` of a set of entries. */
export function renderManagedFields(entries: readonly ManagedEntry[]): Json[] {
  return entries.filter((e) => e.fields.size > 0).map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1Of(e.fields),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}
