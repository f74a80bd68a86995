/**
 * A local Kubernetes API server over real HTTP, for the tests of code that talks to a cluster through
 * @kubernetes/client-node. It keeps objects in memory and behaves as kube-apiserver does for what np2dfw uses:
 * discovery, get, list (label/field selectors, limit/continue over a consistent snapshot, 410 on an expired token),
 * watch (from a resourceVersion, bookmarks, 410 Gone for a compacted one, label-selector transitions), create,
 * update (409 on a stale resourceVersion), JSON merge patch, server-side apply (field managers, conflicts, force),
 * delete (preconditions), status subresources, Leases, and CustomResourceDefinitions (served versions, structural
 * pruning, fieldValidation Ignore|Warn|Strict, schema validation). See README.md beside this file.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { matches, parseFieldSelector, parseSelector, SelectorError, type Selector } from './label-selector.ts';
import {
  changedFields, fieldSet, mergeApplied, overlaps, removeAt, renderManagedFields, valueAt, type ManagedEntry,
} from './managed-fields.ts';
import { ANTREA_STATS_TYPES, antreaCrds, BUILTIN_TYPES, typeOfCrd, type ResourceType } from './resource-types.ts';
import { compileValidator, prune, type Cause } from './structural-schema.ts';

type Json = Record<string, unknown>;

export interface KubeApiServerOptions {
  /** Install Antrea's CRDs at start: `current` (with ipBlock `except`) or `v2.1.0` (without). Default: none. */
  readonly antreaCrds?: 'current' | 'v2.1.0';
  /** Serve Antrea's aggregated stats API (stats.crd.antrea.io/v1alpha1, read-only; tests put the objects). */
  readonly antreaStats?: boolean;
  /** Bearer tokens and the user each one authenticates; default one token for `admin`. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** How often an open watch that allows bookmarks gets one (ms; default 1000). */
  readonly bookmarkIntervalMs?: number;
  /** Watch events kept for watches from an older resourceVersion; older ones are compacted (410). Default 10000. */
  readonly historyLimit?: number;
  /** Namespaces that exist at start (default `default`, `kube-system`). */
  readonly namespaces?: readonly string[];
  /**
   * A validating admission hook (a test playing a webhook such as Antrea's): return a message to deny the
   * request (403 as the API server's webhook admission does when the webhook gives no code).
   */
  readonly admit?: (request: AdmissionRequest) => string | undefined;
}

export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly type: ResourceType;
  readonly object?: Json;
  readonly oldObject?: Json;
  readonly user: string;
}

/** One request as the audit log of a real server would record it (for the RBAC test of the adapter's ClusterRole). */
export interface RequestRecord {
  readonly user: string;
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly code: number;
  readonly fieldManager?: string;
}

export interface KubeApiServer {
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly token: string;
  /** Direct access to the stored objects, as an administrator (or the controller a test plays) would act. */
  readonly objects: ObjectAccess;
  /** Every request served so far. */
  readonly requests: readonly RequestRecord[];
  /** Forgets the watch history: a watch or continue token from an older resourceVersion then gets 410 Gone. */
  compact(): void;
  /** Ends every open watch stream (as a server restart or a load balancer would). */
  closeWatches(): void;
  /** The number of open watch streams. */
  openWatches(): number;
  /** Sends a bookmark on every open watch that allows them. */
  sendBookmarks(): void;
  /** Makes the next `count` requests matching `match` fail with `code` (a 5xx or 429 a test injects). */
  failNext(match: (r: { verb: string; resource: string; user: string }) => boolean, code: number, count?: number): void;
  /** Installs a CustomResourceDefinition (as `kubectl apply -f crd.yaml` would). */
  installCrd(crd: Json): void;
  /** The current resourceVersion. */
  resourceVersion(): string;
  close(): Promise<void>;
}

/** An object as tests read it (loosely typed: tests assert on fields directly). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TestObject = Record<string, any>;

export interface ObjectAccess {
  get(apiVersion: string, kind: string, name: string, namespace?: string): TestObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): TestObject[];
  /** Creates or replaces an object (status included), bumping its resourceVersion, with `manager` as Update. */
  put(object: Json, manager?: string): TestObject;
  delete(apiVersion: string, kind: string, name: string, namespace?: string): boolean;
}

class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Json | undefined;
  constructor(code: number, reason: string, message: string, details?: Json) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

interface Stored {
  object: Json;
  managed: ManagedEntry[];
}

interface WatchEvent {
  readonly rv: number;
  readonly typeKey: string;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: Json;
  readonly oldObject?: Json;
}

interface Watcher {
  readonly typeKey: string;
  readonly type: ResourceType;
  readonly version: string;
  readonly namespace?: string;
  readonly labels: Selector;
  readonly fields: Selector;
  readonly res: ServerResponse;
  readonly bookmarks: boolean;
  timers: NodeJS.Timeout[];
}

interface Snapshot { readonly rv: number; readonly items: Json[] }

const MAX_BODY = 3 * 1024 * 1024;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function gvOf(t: ResourceType, version = t.version): string {
  return t.group ? `${t.group}/${version}` : version;
}

function typeKeyOf(t: { group: string; resource: string }): string {
  return `${t.group}/${t.resource}`;
}

function groupResource(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

function metaOf(o: Json): Json {
  return (o.metadata ?? {}) as Json;
}

function labelsOf(o: Json): Record<string, string> {
  const l = metaOf(o).labels;
  return isObject(l) ? (l as Record<string, string>) : {};
}

function statusBody(code: number, reason: string, message: string, details?: Json): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** JSON merge patch (RFC 7386). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const token = randomBytes(24).toString('hex');
  const tokens: Record<string, string> = options.tokens ? { ...options.tokens } : { [token]: 'admin' };
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 1000;
  const historyLimit = options.historyLimit ?? 10000;

  const types = new Map<string, ResourceType>();
  const validators = new Map<string, (o: Json) => Cause[]>();
  const store = new Map<string, Map<string, Stored>>();
  let rv = 1000;
  let minRv = rv;
  const history: WatchEvent[] = [];
  const watchers = new Set<Watcher>();
  const snapshots = new Map<string, Snapshot>();
  const requests: RequestRecord[] = [];
  const failures: { match: (r: { verb: string; resource: string; user: string }) => boolean; code: number; count: number }[] = [];

  function addType(t: ResourceType): void {
    types.set(typeKeyOf(t), t);
    if (!store.has(typeKeyOf(t))) store.set(typeKeyOf(t), new Map());
    if (t.schemas) for (const [v, s] of t.schemas) validators.set(`${typeKeyOf(t)}/${v}`, compileValidator(s));
  }
  for (const t of BUILTIN_TYPES) addType(t);
  if (options.antreaStats) for (const t of ANTREA_STATS_TYPES) addType(t);

  function typeBy(group: string, version: string, resource: string): ResourceType | undefined {
    const t = types.get(`${group}/${resource}`);
    return t && t.servedVersions.includes(version) ? t : undefined;
  }

  function typeByKind(apiVersion: string, kind: string): ResourceType {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    for (const t of types.values()) if (t.group === group && t.kind === kind && t.servedVersions.includes(version)) return t;
    throw new Error(`no resource type ${apiVersion} ${kind}`);
  }

  function keyOf(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  /** The object as a client sees it: managedFields rendered, apiVersion of the version asked for. */
  function render(t: ResourceType, s: Stored, version = t.version): Json {
    const o = structuredClone(s.object);
    o.apiVersion = gvOf(t, version);
    o.kind = t.kind;
    const mf = renderManagedFields(s.managed);
    const meta = metaOf(o);
    if (mf.length) meta.managedFields = mf;
    return o;
  }

  function notify(t: ResourceType, type: WatchEvent['type'], object: Json, oldObject?: Json): void {
    const ev: WatchEvent = { rv, typeKey: typeKeyOf(t), type, object, oldObject };
    history.push(ev);
    if (history.length > historyLimit) {
      const dropped = history.splice(0, history.length - historyLimit);
      minRv = dropped[dropped.length - 1].rv;
    }
    for (const w of watchers) if (w.typeKey === ev.typeKey) sendEvent(w, ev);
  }

  function watcherSees(w: Watcher, o: Json | undefined): boolean {
    if (!o) return false;
    const m = metaOf(o);
    if (w.namespace !== undefined && m.namespace !== w.namespace) return false;
    if (!matches(w.labels, labelsOf(o))) return false;
    return matches(w.fields, { 'metadata.name': String(m.name), 'metadata.namespace': String(m.namespace ?? '') });
  }

  function writeEvent(w: Watcher, type: string, object: Json): void {
    if (w.res.writableEnded) return;
    w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  function sendEvent(w: Watcher, ev: WatchEvent): void {
    const now = watcherSees(w, ev.object);
    const before = ev.type === 'MODIFIED' ? watcherSees(w, ev.oldObject) : now;
    const o = structuredClone(ev.object);
    o.apiVersion = gvOf(w.type, w.version);
    if (ev.type === 'MODIFIED' && now && !before) writeEvent(w, 'ADDED', o);
    else if (ev.type === 'MODIFIED' && !now && before) writeEvent(w, 'DELETED', o);
    else if (now) writeEvent(w, ev.type, o);
  }

  function bookmark(w: Watcher): void {
    writeEvent(w, 'BOOKMARK', { kind: w.type.kind, apiVersion: gvOf(w.type, w.version), metadata: { resourceVersion: String(rv) } });
  }

  function endWatch(w: Watcher): void {
    for (const t of w.timers) clearTimeout(t);
    watchers.delete(w);
    if (!w.res.writableEnded) w.res.end();
  }

  /** Writes an object (create, replace or delete), bumping the resourceVersion and notifying watches. */
  function commit(t: ResourceType, key: string, next: Stored | undefined, type: WatchEvent['type']): Json | undefined {
    const objects = store.get(typeKeyOf(t))!;
    const old = objects.get(key);
    rv++;
    if (next) {
      metaOf(next.object).resourceVersion = String(rv);
      objects.set(key, next);
      const rendered = render(t, next);
      notify(t, type, rendered, old ? render(t, old) : undefined);
      if (t.resource === 'customresourcedefinitions') installFromCrd(next.object);
      return rendered;
    }
    if (!old) return undefined;
    objects.delete(key);
    const gone = render(t, old);
    metaOf(gone).resourceVersion = String(rv);
    notify(t, 'DELETED', gone);
    if (t.resource === 'customresourcedefinitions') uninstallCrd(old.object);
    if (t.resource === 'namespaces') {
      const ns = String(metaOf(old.object).name);
      for (const other of types.values()) {
        if (!other.namespaced) continue;
        for (const k of [...store.get(typeKeyOf(other))!.keys()]) if (k.startsWith(`${ns}/`)) commit(other, k, undefined, 'DELETED');
      }
    }
    return gone;
  }

  function installFromCrd(crd: Json): void {
    const t = typeOfCrd(crd);
    if (typeof t === 'string') return;
    addType(t);
    const status = { conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted' }, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts' }], acceptedNames: (crd.spec as Json).names };
    (crd as Json).status = status;
  }

  function uninstallCrd(crd: Json): void {
    const t = typeOfCrd(crd);
    if (typeof t === 'string') return;
    for (const k of [...store.get(typeKeyOf(t))!.keys()]) commit(t, k, undefined, 'DELETED');
    types.delete(typeKeyOf(t));
  }

  function crdCreate(crd: Json): void {
    const err = typeOfCrd(crd);
    if (typeof err === 'string') throw new ApiError(422, 'Invalid', `CustomResourceDefinition.apiextensions.k8s.io "${String(metaOf(crd).name)}" is invalid: ${err}`);
    const now = new Date().toISOString();
    const stored: Stored = {
      object: { ...structuredClone(crd), metadata: { ...metaOf(crd), uid: randomUUID(), creationTimestamp: now, generation: 1 } },
      managed: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'apiextensions.k8s.io/v1', time: now, fields: fieldSet(crd, 'main') }],
    };
    commit(types.get('apiextensions.k8s.io/customresourcedefinitions')!, keyOf(undefined, String(metaOf(crd).name)), stored, 'ADDED');
  }

  if (options.antreaCrds) for (const crd of antreaCrds(options.antreaCrds)) crdCreate(crd);
  for (const ns of options.namespaces ?? ['default', 'kube-system']) {
    const t = types.get('/namespaces')!;
    commit(t, keyOf(undefined, ns), { object: { metadata: { name: ns, uid: randomUUID(), creationTimestamp: new Date().toISOString(), labels: { 'kubernetes.io/metadata.name': ns } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }, managed: [] }, 'ADDED');
  }

  // ---------------------------------------------------------------- request handling

  interface Target {
    group: string;
    version: string;
    type?: ResourceType;
    namespace?: string;
    name?: string;
    subresource?: string;
  }

  function parsePath(pathname: string): Target | 'discovery' {
    const seg = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (seg[0] === 'api' && seg.length >= 2) [group, version, rest] = ['', seg[1], seg.slice(2)];
    else if (seg[0] === 'apis' && seg.length >= 3) [group, version, rest] = [seg[1], seg[2], seg.slice(3)];
    else return 'discovery';
    if (rest.length === 0) return { group, version };
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && rest.length === 3 && ['status', 'finalize'].includes(rest[2]))) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const type = typeBy(group, version, rest[0]);
    if (!type || rest.length > 3) throw new ApiError(404, 'NotFound', '404 page not found');
    if (namespace !== undefined && !type.namespaced) throw new ApiError(404, 'NotFound', '404 page not found');
    if (rest.length === 3 && !(rest[2] === 'status' && type.statusSubresource)) throw new ApiError(404, 'NotFound', '404 page not found');
    return { group, version, type, namespace, name: rest[1], subresource: rest[2] };
  }

  function discovery(pathname: string): Json | undefined {
    const served = [...types.values()];
    if (pathname === '/version') return { major: '1', minor: '31', gitVersion: 'v1.31.0-np2dfw-test', platform: 'linux/amd64' };
    if (pathname === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (pathname === '/apis') {
      const groups = new Map<string, Set<string>>();
      for (const t of served) if (t.group) for (const v of t.servedVersions) groups.set(t.group, (groups.get(t.group) ?? new Set()).add(v));
      return {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: [...groups].map(([name, vs]) => ({ name, versions: [...vs].map((v) => ({ groupVersion: `${name}/${v}`, version: v })), preferredVersion: { groupVersion: `${name}/${[...vs][0]}`, version: [...vs][0] } })),
      };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/?$/.exec(pathname);
    if (!m) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3];
    const resources: Json[] = [];
    for (const t of served) {
      if (t.group !== group || !t.servedVersions.includes(version)) continue;
      const verbs = t.readOnly ? ['get', 'list', 'watch'] : ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
      resources.push({ name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs, ...(t.shortNames.length ? { shortNames: t.shortNames } : {}) });
      if (t.statusSubresource) resources.push({ name: `${t.resource}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
    }
    if (resources.length === 0) return undefined;
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function decodeBody(text: string, yaml: boolean): Json {
    let v: unknown;
    try {
      v = yaml ? parseYaml(text) : JSON.parse(text);
    } catch (e) {
      throw new ApiError(400, 'BadRequest', `error decoding ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!isObject(v)) throw new ApiError(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    return v;
  }

  function describe(t: ResourceType, name: string | undefined): string {
    return `${groupResource(t)} "${name ?? ''}"`;
  }

  function notFound(t: ResourceType, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${describe(t, name)} not found`, { name, group: t.group, kind: t.resource });
  }

  /** Prunes and validates a custom resource's body for the version it was sent in; built-in types pass as sent. */
  function admitShape(t: ResourceType, version: string, body: Json, validation: string, warnings: string[]): Json {
    const schema = t.schemas?.get(version);
    if (!schema) return body;
    const { object, pruned } = prune(body, schema);
    if (pruned.length) {
      if (validation === 'Strict') {
        const list = pruned.map((p) => `unknown field "${p}"`).join(', ');
        throw new ApiError(400, 'BadRequest', `${t.kind} in version "${version}" cannot be handled as a ${t.kind}: strict decoding error: ${list}`);
      }
      if (validation !== 'Ignore') for (const p of pruned) warnings.push(`unknown field "${p}"`);
    }
    const causes = validators.get(`${typeKeyOf(t)}/${version}`)?.(object) ?? [];
    if (causes.length) {
      const name = String(metaOf(object).name ?? '');
      const text = causes.map((c) => `${c.field || '<root>'}: Invalid value: ${c.message}`).join(', ');
      throw new ApiError(422, 'Invalid', `${t.kind}.${t.group} "${name}" is invalid: ${causes.length > 1 ? `[${text}]` : text}`,
        { name, group: t.group, kind: t.kind, causes: causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field })) });
    }
    return object;
  }

  function checkIdentity(t: ResourceType, target: Target, body: Json): void {
    const want = gvOf(t, target.version);
    if (body.apiVersion !== undefined && body.apiVersion !== want) throw new ApiError(400, 'BadRequest', `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${want})`);
    if (body.kind !== undefined && body.kind !== t.kind) throw new ApiError(400, 'BadRequest', `the kind in the data (${String(body.kind)}) does not match the expected kind (${t.kind})`);
    if (!isObject(body.metadata)) body.metadata = {};
    const meta = metaOf(body);
    if (t.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== target.namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      meta.namespace = target.namespace;
    } else delete meta.namespace;
  }

  function checkName(t: ResourceType, name: unknown): string {
    if (typeof name !== 'string' || name === '') throw new ApiError(422, 'Invalid', `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    if (name.length > 253 || !NAME.test(name)) {
      throw new ApiError(422, 'Invalid', `${t.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
    }
    return name;
  }

  function admission(operation: AdmissionRequest['operation'], t: ResourceType, user: string, object?: Json, oldObject?: Json): void {
    const denied = options.admit?.({ operation, type: t, object, oldObject, user });
    if (denied !== undefined) throw new ApiError(403, 'Forbidden', `admission webhook "validation.test" denied the request: ${denied}`);
  }

  function generationChanged(before: Json, after: Json): boolean {
    const strip = (o: Json): string => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([k]) => !['metadata', 'status', 'apiVersion', 'kind'].includes(k))));
    return strip(before) !== strip(after);
  }

  function assignUpdate(managed: ManagedEntry[], manager: string, apiVersion: string, changed: Set<string>, subresource?: string): ManagedEntry[] {
    if (changed.size === 0) return managed;
    const out = managed.map((e) => ({ ...e, fields: new Set([...e.fields].filter((f) => ![...changed].some((c) => overlaps(JSON.parse(f), JSON.parse(c))))) }));
    let entry = out.find((e) => e.manager === manager && e.operation === 'Update' && e.subresource === subresource);
    if (!entry) {
      entry = { manager, operation: 'Update', apiVersion, time: '', fields: new Set(), ...(subresource ? { subresource } : {}) };
      out.push(entry);
    }
    for (const c of changed) entry.fields.add(c);
    entry.time = new Date().toISOString();
    return out;
  }

  /** The new object of an update: a subresource write keeps the rest; a main write keeps the status. */
  function keepParts(t: ResourceType, old: Json, next: Json, subresource: string | undefined): Json {
    if (subresource === 'status') {
      const out = structuredClone(old);
      if (next.status === undefined) delete out.status;
      else out.status = next.status;
      return out;
    }
    if (t.statusSubresource) {
      const out = { ...next };
      if (old.status === undefined) delete out.status;
      else out.status = structuredClone(old.status);
      return out;
    }
    return next;
  }

  function finishUpdate(t: ResourceType, target: Target, key: string, old: Stored, next: Json, managed: ManagedEntry[], user: string): { code: number; body: Json } {
    const meta = metaOf(next);
    const oldMeta = metaOf(old.object);
    for (const k of ['uid', 'creationTimestamp', 'name', 'namespace']) {
      if (oldMeta[k] === undefined) delete meta[k];
      else meta[k] = oldMeta[k];
    }
    delete meta.managedFields;
    meta.generation = generationChanged(old.object, next) ? Number(oldMeta.generation ?? 1) + 1 : oldMeta.generation ?? 1;
    meta.resourceVersion = oldMeta.resourceVersion;
    if (JSON.stringify(next) === JSON.stringify(old.object)) return { code: 200, body: render(t, old, target.version) };
    admission('UPDATE', t, user, next, old.object);
    const written = commit(t, key, { object: next, managed }, 'MODIFIED')!;
    written.apiVersion = gvOf(t, target.version);
    return { code: 200, body: written };
  }

  function handle(method: string, url: URL, headers: IncomingMessage['headers'], bodyText: string, user: string, record: (r: Partial<RequestRecord>) => void): { code: number; body: Json; warnings?: string[] } | Watcher {
    const parsed = parsePath(url.pathname);
    if (parsed === 'discovery' || !parsed.type) {
      if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const d = discovery(url.pathname);
      if (!d) throw new ApiError(404, 'NotFound', '404 page not found');
      record({ verb: 'get' });
      return { code: 200, body: d };
    }
    const target = parsed;
    const t = parsed.type;
    const q = url.searchParams;
    const objects = store.get(typeKeyOf(t))!;
    const watch = q.get('watch') === 'true' || q.get('watch') === '1';
    const verb = method === 'GET' ? (target.name ? 'get' : watch ? 'watch' : 'list')
      : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : method === 'DELETE' ? (target.name ? 'delete' : 'deletecollection') : method.toLowerCase();
    const fieldManager = q.get('fieldManager') ?? undefined;
    record({ verb, group: t.group, resource: t.resource, subresource: target.subresource, namespace: target.namespace, name: target.name, fieldManager });
    for (const f of failures) {
      if (f.count > 0 && f.match({ verb, resource: t.resource, user })) {
        f.count--;
        throw new ApiError(f.code, f.code === 429 ? 'TooManyRequests' : 'InternalError', f.code === 429 ? 'the server has received too many requests and has asked us to try again later' : 'an error on the server ("injected by the test") has prevented the request from succeeding');
      }
    }
    if (t.readOnly && !['get', 'list', 'watch'].includes(verb)) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    if (target.namespace !== undefined && ['create', 'patch', 'update'].includes(verb) && !store.get('/namespaces')!.has(keyOf(undefined, target.namespace))) {
      throw new ApiError(404, 'NotFound', `namespaces "${target.namespace}" not found`, { name: target.namespace, kind: 'namespaces' });
    }
    const validation = q.get('fieldValidation') ?? 'Warn';
    if (!['Ignore', 'Warn', 'Strict'].includes(validation)) throw new ApiError(400, 'BadRequest', `fieldValidation must be one of Ignore, Warn or Strict, got ${validation}`);
    const warnings: string[] = [];
    const apiVersion = gvOf(t, target.version);

    if (verb === 'get') {
      const s = objects.get(keyOf(target.namespace, target.name!));
      if (!s) throw notFound(t, target.name!);
      return { code: 200, body: render(t, s, target.version) };
    }

    if (verb === 'list' || verb === 'watch') {
      let labels: Selector;
      let fields: Selector;
      try {
        labels = parseSelector(q.get('labelSelector'));
        fields = parseFieldSelector(q.get('fieldSelector'));
      } catch (e) {
        if (e instanceof SelectorError) throw new ApiError(400, 'BadRequest', e.message);
        throw e;
      }
      if (verb === 'watch') return startWatch(t, target, labels, fields, q);
      return { code: 200, body: list(t, target, labels, fields, q) };
    }

    if (verb === 'create') {
      if (target.subresource) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      let body = decodeBody(bodyText, false);
      checkIdentity(t, target, body);
      const meta = metaOf(body);
      if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string') meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
      const name = checkName(t, meta.name);
      body = admitShape(t, target.version, body, validation, warnings);
      const key = keyOf(target.namespace, name);
      if (objects.has(key)) throw new ApiError(409, 'AlreadyExists', `${describe(t, name)} already exists`, { name, group: t.group, kind: t.resource });
      if (t.resource === 'customresourcedefinitions') {
        crdCreate(body);
        return { code: 201, body: render(t, objects.get(key)!) };
      }
      const now = new Date().toISOString();
      const m = metaOf(body);
      delete m.managedFields;
      Object.assign(m, { uid: randomUUID(), creationTimestamp: now, generation: 1 });
      if (t.statusSubresource && t.crd) delete body.status;
      admission('CREATE', t, user, body);
      const managed: ManagedEntry[] = [{ manager: fieldManager ?? userAgentManager(headers), operation: 'Update', apiVersion, time: now, fields: fieldSet(body, 'all') }];
      const written = commit(t, key, { object: body, managed }, 'ADDED')!;
      written.apiVersion = apiVersion;
      return { code: 201, body: written, warnings };
    }

    if (verb === 'update') {
      let body = decodeBody(bodyText, false);
      checkIdentity(t, target, body);
      if (metaOf(body).name !== target.name) throw new ApiError(400, 'BadRequest', `the name of the object (${String(metaOf(body).name)}) does not match the name on the URL (${target.name})`);
      const key = keyOf(target.namespace, target.name!);
      const old = objects.get(key);
      if (!old) throw notFound(t, target.name!);
      const given = metaOf(body).resourceVersion;
      if (given === undefined || given === '') {
        if (t.crd) throw new ApiError(422, 'Invalid', `${t.kind}.${t.group} "${target.name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`);
      } else if (given !== metaOf(old.object).resourceVersion) throw conflict(t, target.name!);
      body = admitShape(t, target.version, body, validation, warnings);
      const next = keepParts(t, old.object, body, target.subresource);
      const managed = assignUpdate(old.managed, fieldManager ?? userAgentManager(headers), apiVersion, changedFields(old.object, next, target.subresource === 'status' ? 'status' : 'main'), target.subresource);
      return { ...finishUpdate(t, target, key, old, next, managed, user), warnings };
    }

    if (verb === 'patch') {
      const ctype = String(headers['content-type'] ?? '').split(';')[0].trim();
      const key = keyOf(target.namespace, target.name!);
      const old = objects.get(key);
      if (ctype === 'application/apply-patch+yaml' || ctype === 'application/apply-patch+json') {
        if (!fieldManager) throw new ApiError(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
        return apply(t, target, key, old, decodeBody(bodyText, true), fieldManager, q.get('force') === 'true', validation, warnings, user);
      }
      if (!old) throw notFound(t, target.name!);
      let patch: Json;
      if (ctype === 'application/merge-patch+json' || (ctype === 'application/strategic-merge-patch+json' && !t.crd)) patch = decodeBody(bodyText, false);
      else if (ctype === 'application/strategic-merge-patch+json') {
        throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
      } else throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
      const given = isObject(patch.metadata) ? metaOf(patch).resourceVersion : undefined;
      if (given !== undefined && given !== null && given !== metaOf(old.object).resourceVersion) throw conflict(t, target.name!);
      let body = mergePatch(structuredClone(old.object), patch) as Json;
      body.apiVersion = apiVersion;
      body.kind = t.kind;
      body = admitShape(t, target.version, body, validation, warnings);
      const next = keepParts(t, old.object, body, target.subresource);
      const managed = assignUpdate(old.managed, fieldManager ?? userAgentManager(headers), apiVersion, changedFields(old.object, next, target.subresource === 'status' ? 'status' : 'main'), target.subresource);
      return { ...finishUpdate(t, target, key, old, next, managed, user), warnings };
    }

    if (verb === 'delete') {
      const key = keyOf(target.namespace, target.name!);
      const old = objects.get(key);
      if (!old) throw notFound(t, target.name!);
      const opts = bodyText.trim() ? decodeBody(bodyText, false) : {};
      const pre = isObject(opts.preconditions) ? opts.preconditions : {};
      if (pre.resourceVersion !== undefined && pre.resourceVersion !== metaOf(old.object).resourceVersion) {
        throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${describe(t, target.name)}: Precondition failed: ResourceVersion in precondition: ${String(pre.resourceVersion)}, ResourceVersion in object meta: ${String(metaOf(old.object).resourceVersion)}`, { name: target.name, group: t.group, kind: t.resource });
      }
      if (pre.uid !== undefined && pre.uid !== metaOf(old.object).uid) {
        throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${describe(t, target.name)}: Precondition failed: UID in precondition: ${String(pre.uid)}, UID in object meta: ${String(metaOf(old.object).uid)}`, { name: target.name, group: t.group, kind: t.resource });
      }
      admission('DELETE', t, user, undefined, old.object);
      commit(t, key, undefined, 'DELETED');
      return { code: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: target.name, group: t.group, kind: t.resource, uid: metaOf(old.object).uid } } };
    }
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }

  function conflict(t: ResourceType, name: string): ApiError {
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${describe(t, name)}: the object has been modified; please apply your changes to the latest version and try again`, { name, group: t.group, kind: t.resource });
  }

  function userAgentManager(headers: IncomingMessage['headers']): string {
    const ua = String(headers['user-agent'] ?? 'unknown');
    return ua.split('/')[0].split(' ')[0] || 'unknown';
  }

  function apply(t: ResourceType, target: Target, key: string, old: Stored | undefined, body: Json, manager: string, force: boolean, validation: string, warnings: string[], user: string): { code: number; body: Json; warnings?: string[] } {
    if (body.apiVersion === undefined || body.kind === undefined) throw new ApiError(400, 'BadRequest', 'apiVersion and kind must be set in an applied configuration');
    checkIdentity(t, target, body);
    if (metaOf(body).name !== target.name) throw new ApiError(400, 'BadRequest', `the name of the object (${String(metaOf(body).name)}) does not match the name on the URL (${target.name})`);
    checkName(t, target.name);
    const applied = admitShape(t, target.version, body, validation, warnings);
    const appliedMeta = metaOf(applied);
    const given = appliedMeta.resourceVersion;
    if (old && given !== undefined && given !== metaOf(old.object).resourceVersion) throw conflict(t, target.name!);
    for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields']) delete appliedMeta[k];
    const part = target.subresource === 'status' ? 'status' : 'main';
    if (part === 'main' && t.statusSubresource) delete applied.status;
    const mine = fieldSet(applied, part);
    const apiVersion = gvOf(t, target.version);
    const base: Json = old ? structuredClone(old.object) : { metadata: { name: target.name, ...(target.namespace !== undefined ? { namespace: target.namespace } : {}) } };
    let managed: ManagedEntry[] = old ? old.managed.map((e) => ({ ...e, fields: new Set(e.fields) })) : [];
    // Conflicts: a field this manager sets to a different value than another manager owns.
    const conflicts: { manager: string; field: string }[] = [];
    for (const e of managed) {
      if (e.manager === manager && e.operation === 'Apply') continue;
      for (const f of [...e.fields]) {
        const fp = JSON.parse(f) as string[];
        for (const m of mine) {
          const mp = JSON.parse(m) as string[];
          if (!overlaps(fp, mp)) continue;
          const at = fp.length <= mp.length ? fp : mp;
          if (JSON.stringify(valueAt(base, at)) === JSON.stringify(valueAt(mergeApplied(base, applied), at))) continue;
          if (force) e.fields.delete(f);
          else conflicts.push({ manager: e.manager, field: `.${fp.join('.')}` });
          break;
        }
      }
    }
    if (conflicts.length) {
      const lines = conflicts.map((c) => `conflict with "${c.manager}": ${c.field}`);
      throw new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${lines.join('\n')}`,
        { name: target.name, group: t.group, kind: t.resource, causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"`, field: c.field })) });
    }
    // Fields this manager applied before and no longer applies are removed, unless someone else owns them.
    let entry = managed.find((e) => e.manager === manager && e.operation === 'Apply' && e.subresource === target.subresource);
    let next = structuredClone(base);
    if (entry) {
      for (const f of entry.fields) {
        if (mine.has(f)) continue;
        const fp = JSON.parse(f) as string[];
        const shared = managed.some((e) => e !== entry && [...e.fields].some((o) => overlaps(JSON.parse(o), fp)));
        if (!shared) removeAt(next, fp);
      }
    }
    next = mergeApplied(next, applied) as Json;
    next.apiVersion = apiVersion;
    next.kind = t.kind;
    next = admitShape(t, target.version, next, 'Ignore', []);
    if (!entry) {
      entry = { manager, operation: 'Apply', apiVersion, time: '', fields: new Set(), ...(target.subresource ? { subresource: target.subresource } : {}) };
      managed.push(entry);
    }
    entry.fields = mine;
    entry.time = new Date().toISOString();
    managed = managed.filter((e) => e.fields.size > 0 || e === entry);
    if (!old) {
      const now = new Date().toISOString();
      const m = metaOf(next);
      Object.assign(m, { uid: randomUUID(), creationTimestamp: now, generation: 1 });
      if (t.resource === 'customresourcedefinitions') {
        crdCreate(next);
        return { code: 201, body: render(t, store.get(typeKeyOf(t))!.get(key)!) };
      }
      admission('CREATE', t, user, next);
      const written = commit(t, key, { object: next, managed }, 'ADDED')!;
      written.apiVersion = apiVersion;
      return { code: 201, body: written, warnings };
    }
    const unchangedFields = JSON.stringify(renderManagedFields(managed).map((e) => ({ ...e, time: '' }))) === JSON.stringify(renderManagedFields(old.managed).map((e) => ({ ...e, time: '' })));
    const result = finishUpdate(t, target, key, old, next, managed, user);
    if (!unchangedFields && String(metaOf(result.body).resourceVersion) === String(metaOf(old.object).resourceVersion)) {
      // Only ownership changed (a forced apply of equal values): the server still writes the object.
      const written = commit(t, key, { object: structuredClone(old.object), managed }, 'MODIFIED')!;
      written.apiVersion = apiVersion;
      return { code: 200, body: written, warnings };
    }
    return { ...result, warnings };
  }

  function list(t: ResourceType, target: Target, labels: Selector, fields: Selector, q: URLSearchParams): Json {
    const limit = Number(q.get('limit') ?? 0);
    const cont = q.get('continue');
    let snap: Snapshot;
    let start = 0;
    if (cont) {
      let token: { id: string; start: number };
      try {
        token = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as { id: string; start: number };
      } catch {
        throw new ApiError(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
      }
      const s = snapshots.get(token.id);
      if (!s || s.rv < minRv) {
        throw new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      snap = s;
      start = token.start;
    } else {
      const items = [...store.get(typeKeyOf(t))!.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, s]) => render(t, s, target.version))
        .filter((o) => (target.namespace === undefined || metaOf(o).namespace === target.namespace)
          && matches(labels, labelsOf(o))
          && matches(fields, { 'metadata.name': String(metaOf(o).name), 'metadata.namespace': String(metaOf(o).namespace ?? '') }));
      if (!t.crd) for (const o of items) { delete o.apiVersion; delete o.kind; }
      snap = { rv, items };
    }
    const end = limit > 0 ? Math.min(snap.items.length, start + limit) : snap.items.length;
    const metadata: Json = { resourceVersion: String(snap.rv) };
    if (end < snap.items.length) {
      const id = randomUUID();
      snapshots.set(id, snap);
      metadata.continue = Buffer.from(JSON.stringify({ id, start: end })).toString('base64url');
      metadata.remainingItemCount = snap.items.length - end;
    }
    return { kind: t.listKind, apiVersion: gvOf(t, target.version), metadata, items: snap.items.slice(start, end) };
  }

  function startWatch(t: ResourceType, target: Target, labels: Selector, fields: Selector, q: URLSearchParams): Watcher {
    // The response object is attached by the caller; this only validates and describes the watch.
    const from = q.get('resourceVersion');
    if (from && from !== '0' && !/^\d+$/.test(from)) throw new ApiError(400, 'BadRequest', `resourceVersion: Invalid value: "${from}": must be a non-negative integer`);
    return { typeKey: typeKeyOf(t), type: t, version: target.version, namespace: target.namespace, labels, fields, res: undefined as unknown as ServerResponse, bookmarks: q.get('allowWatchBookmarks') === 'true', timers: [] };
  }

  function runWatch(w: Watcher, q: URLSearchParams): void {
    w.res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    w.res.flushHeaders();
    const from = q.get('resourceVersion');
    if (from && from !== '0' && Number(from) < minRv) {
      writeEvent(w, 'ERROR', statusBody(410, 'Expired', `too old resource version: ${from} (${minRv})`));
      endWatch(w);
      return;
    }
    watchers.add(w);
    if (!from || from === '0') {
      for (const s of store.get(w.typeKey)!.values()) {
        const o = render(w.type, s, w.version);
        if (watcherSees(w, o)) writeEvent(w, 'ADDED', o);
      }
    } else {
      for (const ev of history) if (ev.rv > Number(from) && ev.typeKey === w.typeKey) sendEvent(w, ev);
    }
    if (w.bookmarks) {
      const tick = (): void => {
        bookmark(w);
        w.timers[0] = setTimeout(tick, bookmarkIntervalMs);
      };
      w.timers[0] = setTimeout(tick, bookmarkIntervalMs);
    }
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    if (timeout > 0) w.timers[1] = setTimeout(() => endWatch(w), timeout * 1000);
    w.res.on('close', () => endWatch(w));
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const rec: { -readonly [K in keyof RequestRecord]: RequestRecord[K] } = { user: '', verb: '', group: '', resource: '', code: 0 };
      const send = (code: number, body: Json, warnings: string[] = []): void => {
        rec.code = code;
        const headers: Record<string, string | string[]> = { 'content-type': 'application/json', 'cache-control': 'no-cache, private' };
        if (warnings.length) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
        res.writeHead(code, headers);
        res.end(JSON.stringify(body));
      };
      try {
        const auth = String(req.headers.authorization ?? '');
        const m = /^Bearer (.+)$/.exec(auth);
        const user = m ? tokens[m[1]] : undefined;
        if (!user) {
          send(401, statusBody(401, 'Unauthorized', 'Unauthorized'));
          return;
        }
        rec.user = user;
        const bodyText = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '') ? await readBody(req) : '';
        const out = handle(req.method ?? 'GET', url, req.headers, bodyText, user, (r) => Object.assign(rec, r));
        if ('res' in out) {
          (out as { res: ServerResponse }).res = res;
          rec.code = 200;
          requests.push(rec);
          runWatch(out, url.searchParams);
          return;
        }
        send(out.code, out.body, out.warnings);
      } catch (e) {
        if (e instanceof ApiError) send(e.code, statusBody(e.code, e.reason, e.message, e.details));
        else {
          process.stderr.write(`kube-apiserver (test): ${(e as Error).stack ?? String(e)}\n`);
          send(500, statusBody(500, 'InternalError', 'an error on the server has prevented the request from succeeding'));
        }
      }
      if (rec.verb) requests.push(rec);
    })();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'np2dfw-kube-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const firstToken = Object.keys(tokens)[0];
  writeFileSync(kubeconfigPath, [
    'apiVersion: v1', 'kind: Config', 'clusters:', '- name: test', '  cluster:', `    server: ${url}`,
    // Plain HTTP: @kubernetes/client-node refuses an http:// server unless TLS verification is declared off.
    '    insecure-skip-tls-verify: true',
    'users:', '- name: admin', '  user:', `    token: ${firstToken}`,
    'contexts:', '- name: test', '  context:', '    cluster: test', '    user: admin', '    namespace: default',
    'current-context: test', '',
  ].join('\n'), { mode: 0o600 });

  const access: ObjectAccess = {
    get(apiVersion, kind, name, namespace) {
      const t = typeByKind(apiVersion, kind);
      const s = store.get(typeKeyOf(t))!.get(keyOf(t.namespaced ? namespace : undefined, name));
      return s ? render(t, s) : undefined;
    },
    list(apiVersion, kind, namespace) {
      const t = typeByKind(apiVersion, kind);
      return [...store.get(typeKeyOf(t))!.values()].map((s) => render(t, s)).filter((o) => namespace === undefined || metaOf(o).namespace === namespace);
    },
    put(object, manager = 'test') {
      const t = typeByKind(String(object.apiVersion), String(object.kind));
      const meta = metaOf(object);
      const key = keyOf(t.namespaced ? String(meta.namespace ?? 'default') : undefined, String(meta.name));
      const objects = store.get(typeKeyOf(t))!;
      const old = objects.get(key);
      const next = structuredClone(object);
      const m = metaOf(next);
      if (t.namespaced) m.namespace ??= 'default';
      delete m.managedFields;
      m.uid = old ? metaOf(old.object).uid : m.uid ?? randomUUID();
      m.creationTimestamp = old ? metaOf(old.object).creationTimestamp : new Date().toISOString();
      m.generation = old ? (generationChanged(old.object, next) ? Number(metaOf(old.object).generation ?? 1) + 1 : metaOf(old.object).generation) : 1;
      const managed = assignUpdate(old?.managed ?? [], manager, String(object.apiVersion), old ? changedFields(old.object, next, 'all') : fieldSet(next, 'all'));
      if (t.resource === 'customresourcedefinitions' && !old) {
        crdCreate(next);
        return access.get(String(object.apiVersion), t.kind, String(meta.name))!;
      }
      return commit(t, key, { object: next, managed }, old ? 'MODIFIED' : 'ADDED')!;
    },
    delete(apiVersion, kind, name, namespace) {
      const t = typeByKind(apiVersion, kind);
      return commit(t, keyOf(t.namespaced ? namespace ?? 'default' : undefined, name), undefined, 'DELETED') !== undefined;
    },
  };

  return {
    url,
    kubeconfigPath,
    token: firstToken,
    objects: access,
    requests,
    compact() {
      minRv = rv;
      history.length = 0;
    },
    closeWatches() {
      for (const w of [...watchers]) endWatch(w);
    },
    openWatches: () => watchers.size,
    sendBookmarks() {
      for (const w of watchers) if (w.bookmarks) bookmark(w);
    },
    failNext(match, code, count = 1) {
      failures.push({ match, code, count });
    },
    installCrd: crdCreate,
    resourceVersion: () => String(rv),
    async close() {
      for (const w of [...watchers]) endWatch(w);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
