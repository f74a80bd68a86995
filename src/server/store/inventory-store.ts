import type { Cluster } from '../../k8s/cluster.ts';
import { formatProblem, type InputProblem } from '../../k8s/invalid-input.ts';
import { decodeObjects } from '../../k8s/load-cluster.ts';
import type { RawObject } from '../../k8s/parse-documents.ts';
import { deterministicPolicyUid, isKubernetesUid } from '../../k8s/policy-uid.ts';
import { chunked, placeholders, ROWS_PER_INSERT, type Database } from '../db/database.ts';
import { ApiError, ERROR_CODES, notFound } from '../http/api-error.ts';
import { listResult, type ListResult, type PageRequest } from '../http/paging.ts';
import { countOf } from '../../evaluate/counts.ts';

/** The kinds a cluster reports, with the apiVersions accepted. Namespace, Pod and NetworkPolicy are validated fully. */
export const INVENTORY_KINDS: Readonly<Record<string, readonly string[]>> = {
  Namespace: ['v1'],
  Pod: ['v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
  Node: ['v1'],
  Service: ['v1'],
  Ingress: ['networking.k8s.io/v1'],
};

/** Kinds whose objects live in a namespace. */
const NAMESPACED = new Set(['Pod', 'NetworkPolicy', 'Service', 'Ingress']);

/** A registered cluster, with what it reported. */
export interface ClusterView {
  /** The cluster's name (its id in the cluster-control-plane path). */
  readonly name: string;
  /** When it registered, and who registered it. */
  readonly registered_at: number;
  readonly registered_by: string;
  /** When it last reported inventory. */
  readonly last_report_at?: number;
  /** Grows by one with every inventory report. */
  readonly generation: number;
  /** How many objects of each kind it reported. */
  readonly counts: Readonly<Record<string, number>>;
  /** The latest health report, when any. */
  readonly health?: HealthView;
}

/** A health report, as kept. */
export interface HealthView {
  /** When it was reported. */
  readonly reported_at: number;
  /** HEALTHY, DEGRADED, DOWN or UNKNOWN. */
  readonly status: string;
  /** The report as the adapter sent it. */
  readonly report: Record<string, unknown>;
}

/** An inventory object as the API lists it. */
export interface InventoryObjectView {
  readonly cluster: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
  /** The object as the cluster reported it. */
  readonly object: Record<string, unknown>;
  /** For NetworkPolicies: imported to DFW, and whether its removal from the cluster is queued or done. */
  readonly imported?: { readonly imported_at: number; readonly imported_by: string; readonly removal: string };
}

/** A NetworkPolicy of the inventory, located. */
export interface PolicyLocation {
  readonly uid: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  /** The object as stored (an import checks, when it commits, that the policy did not change since it converted it). */
  readonly body: string;
}

/** One object of a report, checked: where it goes and its uid. */
interface CheckedObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | null;
  readonly body: Record<string, unknown>;
}

interface ObjectRow {
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string | null;
  body: string;
}

/**
 * Checks reported Kubernetes objects: each must be a known kind and apiVersion with a name; Namespaces, Pods
 * and NetworkPolicies must pass the API server's validation. Throws a 400 listing every problem.
 */
export function checkInventoryObjects(cluster: string, objects: readonly unknown[], what = 'objects'): CheckedObject[] {
  const problems: string[] = [];
  const raws: RawObject[] = [];
  const out: CheckedObject[] = [];
  objects.forEach((o, i) => {
    const where = `${what}[${i}]`;
    if (o === null || typeof o !== 'object' || Array.isArray(o)) { problems.push(`${where}: not an object`); return; }
    const body = o as Record<string, unknown>;
    const kind = body.kind;
    const apiVersion = body.apiVersion;
    if (typeof kind !== 'string' || !Object.hasOwn(INVENTORY_KINDS, kind)) {
      problems.push(`${where}: kind ${JSON.stringify(kind)} is not reported; use one of ${Object.keys(INVENTORY_KINDS).join(', ')}`);
      return;
    }
    if (typeof apiVersion !== 'string' || !INVENTORY_KINDS[kind].includes(apiVersion)) {
      problems.push(`${where}: ${kind} apiVersion ${JSON.stringify(apiVersion)}: use ${INVENTORY_KINDS[kind].join(' or ')}`);
      return;
    }
    const meta = body.metadata as Record<string, unknown> | undefined;
    if (!meta || typeof meta !== 'object' || typeof meta.name !== 'string' || meta.name === '') {
      problems.push(`${where}: ${kind} has no metadata.name`);
      return;
    }
    if (meta.namespace !== undefined && typeof meta.namespace !== 'string') {
      problems.push(`${where}: ${kind} ${meta.name}: metadata.namespace must be a string`);
      return;
    }
    const namespace = NAMESPACED.has(kind) ? ((meta.namespace as string | undefined) || 'default') : '';
    let uid = typeof meta.uid === 'string' && meta.uid ? meta.uid : null;
    if (kind === 'NetworkPolicy' && uid === null) uid = deterministicPolicyUid(cluster, namespace, meta.name);
    if (kind === 'NetworkPolicy' && uid !== null && !isKubernetesUid(uid)) {
      problems.push(`${where}: NetworkPolicy ${namespace}/${meta.name}: metadata.uid ${JSON.stringify(uid.slice(0, 80))} is not a UUID as Kubernetes issues them (RFC 4122, e.g. 6c1f3f3e-5b7e-4c6a-9d0e-2f6b8a1c4d2e)`);
      return;
    }
    if (kind === 'Namespace' || kind === 'Pod' || kind === 'NetworkPolicy') {
      raws.push({ kind, apiVersion, body, source: { file: where, line: 0 } });
    }
    out.push({ kind, namespace, name: meta.name, uid, body });
  });
  const decodeProblems: InputProblem[] = [];
  decodeObjects(raws, decodeProblems, { cluster });
  for (const p of decodeProblems) problems.push(formatProblem(p));
  const seen = new Set<string>();
  const uids = new Map<string, string>();
  for (const o of out) {
    const key = `${o.kind} ${o.namespace}/${o.name}`;
    if (seen.has(key) && !decodeProblems.length) problems.push(`${key} appears twice`);
    seen.add(key);
    if (o.kind === 'NetworkPolicy' && o.uid) {
      const other = uids.get(o.uid.toLowerCase());
      if (other !== undefined && other !== key) problems.push(`${key}: metadata.uid ${o.uid} is also the uid of ${other}`);
      uids.set(o.uid.toLowerCase(), key);
    }
  }
  if (problems.length) {
    throw new ApiError(400, ERROR_CODES.INVALID_INVENTORY,
      `the inventory of cluster ${cluster} has ${countOf(problems.length, 'problem')}: ${problems[0]}`,
      problems.slice(0, 100).map((m) => ({ error_code: ERROR_CODES.INVALID_INVENTORY, error_message: m })));
  }
  return out;
}

/** Clusters and the Kubernetes objects they report, and the NetworkPolicies imported from them. */
export class InventoryStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Registers a cluster (nothing happens when it is registered already). Returns whether it was new. */
  async register(name: string, user: string): Promise<boolean> {
    const r = (await this.#db.run('INSERT INTO clusters (name, registered_at, registered_by) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING', name, Date.now(), user));
    return Number(r.changes) > 0;
  }

  /** Whether a cluster is registered. */
  async has(name: string): Promise<boolean> {
    return (await this.#db.get('SELECT 1 AS x FROM clusters WHERE name = ?', name)) !== undefined;
  }

  async #require(name: string): Promise<void> {
    if (!(await this.has(name))) throw notFound(`cluster ${name} is not registered`);
  }

  /** A cluster with its counts and latest health. */
  async get(name: string): Promise<ClusterView | undefined> {
    const row = await this.#db.get<{ name: string; registered_at: number; registered_by: string; last_report_at: number | null; generation: number }>(
      'SELECT * FROM clusters WHERE name = ?', name);
    if (!row) return undefined;
    const counts: Record<string, number> = {};
    for (const k of Object.keys(INVENTORY_KINDS)) counts[k] = 0;
    for (const c of (await this.#db.all<{ kind: string; n: number }>('SELECT kind, COUNT(*) AS n FROM inventory_objects WHERE cluster = ? GROUP BY kind', name))) {
      counts[c.kind] = c.n;
    }
    const health = await this.latestHealth(name);
    return {
      name: row.name, registered_at: row.registered_at, registered_by: row.registered_by,
      ...(row.last_report_at !== null ? { last_report_at: row.last_report_at } : {}),
      generation: row.generation, counts, ...(health ? { health } : {}),
    };
  }

  /** One page of clusters, by name. */
  async list(page: PageRequest): Promise<ListResult<ClusterView>> {
    const total = (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM clusters'))!.n;
    const names = (await this.#db.all<{ name: string }>('SELECT name FROM clusters WHERE name > ? ORDER BY name LIMIT ?', page.after, page.size + 1));
    const views: ClusterView[] = [];
    for (const n of names) views.push((await this.get(n.name))!);
    return listResult(views, total, page, (c) => c.name);
  }

  /**
   * Replaces a cluster's whole inventory with a snapshot (checked with checkInventoryObjects). NetworkPolicies
   * imported earlier that the snapshot no longer holds have been removed from the cluster: their removal is done.
   */
  async replace(cluster: string, objects: readonly CheckedObject[]): Promise<void> {
    await this.#require(cluster);
    const now = Date.now();
    (await this.#db.run('DELETE FROM inventory_objects WHERE cluster = ?', cluster));
    for (const o of objects) await this.#upsert(cluster, o, now);
    (await this.#db.run(`UPDATE imported_policies SET removal = 'removed', removed_at = ? WHERE cluster = ? AND removal = 'queued'
      AND uid NOT IN (SELECT uid FROM inventory_objects WHERE cluster = ? AND kind = 'NetworkPolicy')`, now, cluster, cluster));
    (await this.#db.run('UPDATE clusters SET last_report_at = ?, generation = generation + 1 WHERE name = ?', now, cluster));
  }

  /** Applies incremental changes: objects added or changed, objects deleted (by kind, namespace, name). */
  async applyChanges(cluster: string, upserts: readonly CheckedObject[], deletes: readonly { kind: string; namespace?: string; name: string }[]): Promise<{ upserted: number; deleted: number }> {
    await this.#require(cluster);
    const now = Date.now();
    for (const o of upserts) await this.#upsert(cluster, o, now);
    let deleted = 0;
    for (const d of deletes) {
      const namespace = NAMESPACED.has(d.kind) ? (d.namespace || 'default') : '';
      const row = (await this.#db.get<{ uid: string | null }>('SELECT uid FROM inventory_objects WHERE cluster = ? AND kind = ? AND namespace = ? AND name = ?', cluster, d.kind, namespace, d.name));
      if (!row) continue;
      (await this.#db.run('DELETE FROM inventory_objects WHERE cluster = ? AND kind = ? AND namespace = ? AND name = ?', cluster, d.kind, namespace, d.name));
      deleted++;
      if (d.kind === 'NetworkPolicy' && row.uid) {
        (await this.#db.run(`UPDATE imported_policies SET removal = 'removed', removed_at = ? WHERE cluster = ? AND uid = ? AND removal = 'queued'`, now, cluster, row.uid));
      }
    }
    (await this.#db.run('UPDATE clusters SET last_report_at = ?, generation = generation + 1 WHERE name = ?', now, cluster));
    return { upserted: upserts.length, deleted };
  }

  async #upsert(cluster: string, o: CheckedObject, now: number): Promise<void> {
    if (o.kind === 'NetworkPolicy' && o.uid) {
      const holder = (await this.#db.get<{ namespace: string; name: string }>(`SELECT namespace, name FROM inventory_objects WHERE cluster = ? AND kind = 'NetworkPolicy' AND uid = ?
        AND NOT (namespace = ? AND name = ?) LIMIT 1`, cluster, o.uid, o.namespace, o.name));
      if (holder) {
        throw new ApiError(400, ERROR_CODES.INVALID_INVENTORY,
          `NetworkPolicy ${o.namespace}/${o.name}: metadata.uid ${o.uid} is the uid of NetworkPolicy ${holder.namespace}/${holder.name} of cluster ${cluster} already`);
      }
    }
    (await this.#db.run(`INSERT INTO inventory_objects (cluster, kind, namespace, name, uid, body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(cluster, kind, namespace, name) DO UPDATE SET uid = excluded.uid, body = excluded.body, updated_at = excluded.updated_at`, cluster, o.kind, o.namespace, o.name, o.uid, JSON.stringify(o.body), now));
  }

  /** One page of a kind's objects, optionally of one cluster and namespace, by cluster/namespace/name. */
  async listObjects(kind: string, filter: { cluster?: string; namespace?: string }, page: PageRequest): Promise<ListResult<InventoryObjectView>> {
    const where = ['o.kind = ?'];
    const args: string[] = [kind];
    if (filter.cluster) { where.push('o.cluster = ?'); args.push(filter.cluster); }
    if (filter.namespace !== undefined) { where.push('o.namespace = ?'); args.push(filter.namespace); }
    const w = where.join(' AND ');
    const total = (await this.#db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM inventory_objects o WHERE ${w}`, ...args))!.n;
    // the cursor is cluster, namespace and name joined by NUL (which PostgreSQL's text cannot hold): compared as a row
    const [afterCluster = '', afterNamespace = '', afterName = ''] = page.after === '' ? [] : page.after.split('\u0000');
    const after = page.after === '' ? '' : 'AND (o.cluster, o.namespace, o.name) > (?, ?, ?)';
    const rows = await this.#db.all<ObjectRow & { imported_at: number | null; imported_by: string | null; removal: string | null }>(
      `SELECT o.*, i.imported_at, i.imported_by, i.removal FROM inventory_objects o
      LEFT JOIN imported_policies i ON o.kind = 'NetworkPolicy' AND i.cluster = o.cluster AND i.uid = o.uid
      WHERE ${w} ${after}
      ORDER BY o.cluster, o.namespace, o.name LIMIT ?`, ...args, ...(page.after === '' ? [] : [afterCluster, afterNamespace, afterName]), page.size + 1);
    const views = rows.map((r) => ({
      key: `${r.cluster}\u0000${r.namespace}\u0000${r.name}`,
      view: {
        cluster: r.cluster, kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name,
        ...(r.uid ? { uid: r.uid } : {}), object: JSON.parse(r.body) as Record<string, unknown>,
        ...(r.imported_at !== null ? { imported: { imported_at: r.imported_at, imported_by: r.imported_by!, removal: r.removal! } } : {}),
      } as InventoryObjectView,
    }));
    const res = listResult(views, total, page, (v) => v.key);
    return { ...res, results: res.results.map((v) => v.view) };
  }

  /**
   * A cluster's namespaces (reported, or used by a pod or a policy) with the number of NetworkPolicies in each:
   * the number `kubectl get networkpolicies -n <ns>` lists (imported policies count until the cluster removes them).
   */
  async namespaces(cluster: string): Promise<{ cluster: string; name: string; declared: boolean; labels: Record<string, string>; network_policy_count: number; pod_count: number }[]> {
    await this.#require(cluster);
    const names = new Map<string, { declared: boolean; labels: Record<string, string> }>();
    for (const r of (await this.#db.all<{ name: string; body: string }>(`SELECT name, body FROM inventory_objects WHERE cluster = ? AND kind = 'Namespace'`, cluster))) {
      const meta = (JSON.parse(r.body) as { metadata?: { labels?: Record<string, string> } }).metadata;
      names.set(r.name, { declared: true, labels: { ...(meta?.labels ?? {}), 'kubernetes.io/metadata.name': r.name } });
    }
    const count = async (kind: string) => {
      const m = new Map<string, number>();
      for (const r of (await this.#db.all<{ namespace: string; n: number }>('SELECT namespace, COUNT(*) AS n FROM inventory_objects WHERE cluster = ? AND kind = ? GROUP BY namespace', cluster, kind))) {
        m.set(r.namespace, r.n);
        if (!names.has(r.namespace)) names.set(r.namespace, { declared: false, labels: { 'kubernetes.io/metadata.name': r.namespace } });
      }
      return m;
    };
    const policies = await count('NetworkPolicy');
    const pods = await count('Pod');
    return [...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, ns]) => ({
      cluster, name, declared: ns.declared, labels: ns.labels,
      network_policy_count: policies.get(name) ?? 0, pod_count: pods.get(name) ?? 0,
    }));
  }

  /**
   * The NetworkPolicies of each uid, in every cluster (more than one when clusters report the same uid; at most 10
   * each), by uid: one query per 500 uids rather than one per uid.
   */
  async locatePolicies(uids: readonly string[]): Promise<Map<string, PolicyLocation[]>> {
    const out = new Map<string, PolicyLocation[]>();
    for (const chunk of chunked(uids)) {
      for (const r of await this.#db.all<PolicyLocation>(`SELECT uid, cluster, namespace, name, body FROM inventory_objects
        WHERE kind = 'NetworkPolicy' AND uid IN (${placeholders(chunk)}) ORDER BY uid, cluster`, ...chunk)) {
        const list = out.get(r.uid) ?? [];
        if (list.length < 10) list.push(r);
        out.set(r.uid, list);
      }
    }
    return out;
  }

  /**
   * The imports of each uid (DFW ids are made of the uid alone, so an import of it from any cluster counts), by
   * uid: one query per 500 uids.
   */
  async importsOf(uids: readonly string[]): Promise<Map<string, { cluster: string; imported_at: number }[]>> {
    const out = new Map<string, { cluster: string; imported_at: number }[]>();
    for (const chunk of chunked(uids)) {
      for (const r of await this.#db.all<{ uid: string; cluster: string; imported_at: number }>(
        `SELECT uid, cluster, imported_at FROM imported_policies WHERE uid IN (${placeholders(chunk)}) ORDER BY uid, cluster`, ...chunk)) {
        out.set(r.uid, [...(out.get(r.uid) ?? []), { cluster: r.cluster, imported_at: Number(r.imported_at) }]);
      }
    }
    return out;
  }

  /** The uids imported from a cluster (queued for removal or removed). */
  async importedUids(cluster: string): Promise<string[]> {
    return ((await this.#db.all<{ uid: string }>('SELECT uid FROM imported_policies WHERE cluster = ? ORDER BY uid', cluster))).map((r) => r.uid);
  }

  /** Whether every one of these NetworkPolicies is still stored exactly as its `body` (one query per 500). */
  async policiesUnchanged(policies: readonly PolicyLocation[]): Promise<boolean> {
    const key = (p: { cluster: string; namespace: string; name: string; uid: string }) => JSON.stringify([p.cluster, p.namespace, p.name, p.uid]);
    const stored = new Map<string, string>();
    for (const chunk of chunked([...new Set(policies.map((p) => p.uid))])) {
      for (const r of await this.#db.all<{ cluster: string; namespace: string; name: string; uid: string; body: string }>(
        `SELECT cluster, namespace, name, uid, body FROM inventory_objects WHERE kind = 'NetworkPolicy' AND uid IN (${placeholders(chunk)})`, ...chunk)) {
        stored.set(key(r), r.body);
      }
    }
    return policies.every((p) => stored.get(key(p)) === p.body);
  }

  /**
   * Marks NetworkPolicies as imported and queues their removal from their cluster, keeping each one's body as it
   * was read (the caller has checked, in the same transaction, that it is still the stored one). Rows go in
   * batches of 200 per INSERT.
   */
  async markImported(policies: readonly PolicyLocation[], importId: number, user: string): Promise<void> {
    const now = Date.now();
    for (const batch of chunked(policies, ROWS_PER_INSERT)) {
      await this.#db.run(`INSERT INTO imported_policies (uid, cluster, namespace, name, import_id, imported_at, imported_by, removal, body)
        VALUES ${batch.map(() => "(?, ?, ?, ?, ?, ?, ?, 'queued', ?)").join(', ')}`,
      ...batch.flatMap((p) => [p.uid, p.cluster, p.namespace, p.name, importId, now, user, p.body]));
    }
  }

  /** The removals queued for a cluster: imported NetworkPolicies its adapter should delete. */
  async pendingRemovals(cluster: string): Promise<{ uid: string; namespace: string; name: string; imported_at: number }[]> {
    await this.#require(cluster);
    return (await this.#db.all<{ uid: string; namespace: string; name: string; imported_at: number }>(`SELECT uid, namespace, name, imported_at FROM imported_policies WHERE cluster = ? AND removal = 'queued'
      ORDER BY namespace, name`, cluster));
  }

  /**
   * The cluster as np2dfw's engines see it: its namespaces, pods and NetworkPolicies, decoded. With
   * `withRemovedImports`, the NetworkPolicies imported and since removed from the cluster are added back as they
   * were when imported: the cluster as Kubernetes enforced it before the import (the reference of verification).
   */
  async loadCluster(cluster: string, withRemovedImports = false): Promise<Cluster> {
    const rows = (await this.#db.all<{ kind: string; body: string }>(`SELECT kind, body FROM inventory_objects WHERE cluster = ? AND kind IN ('Namespace', 'Pod', 'NetworkPolicy')
      ORDER BY kind, namespace, name`, cluster));
    if (withRemovedImports) {
      rows.push(...(await this.#db.all<{ kind: string; body: string }>(`SELECT 'NetworkPolicy' AS kind, body FROM imported_policies WHERE cluster = ? AND removal = 'removed'
        AND body IS NOT NULL AND uid NOT IN (SELECT uid FROM inventory_objects WHERE cluster = ? AND kind = 'NetworkPolicy' AND uid IS NOT NULL)
        ORDER BY namespace, name`, cluster, cluster)));
    }
    const raws: RawObject[] = rows.map((r, i) => {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      return { kind: r.kind, apiVersion: body.apiVersion as string, body, source: { file: `inventory of ${cluster} #${i}`, line: 0 } };
    });
    const problems: InputProblem[] = [];
    const decoded = decodeObjects(raws, problems, { cluster });
    if (problems.length) throw new Error(`the stored inventory of ${cluster} no longer decodes: ${formatProblem(problems[0])}`);
    return decoded;
  }

  /** Keeps an adapter's health report. */
  async addHealth(cluster: string, report: Record<string, unknown>): Promise<HealthView> {
    await this.#require(cluster);
    const now = Date.now();
    (await this.#db.run('INSERT INTO health_reports (cluster, reported_at, status, body) VALUES (?, ?, ?, ?)', cluster, now, String(report.status), JSON.stringify(report)));
    return { reported_at: now, status: String(report.status), report };
  }

  /** The latest health report of a cluster. */
  async latestHealth(cluster: string): Promise<HealthView | undefined> {
    const r = await this.#db.get<{ reported_at: number; status: string; body: string }>('SELECT * FROM health_reports WHERE cluster = ? ORDER BY id DESC LIMIT 1', cluster);
    return r ? { reported_at: r.reported_at, status: r.status, report: JSON.parse(r.body) as Record<string, unknown> } : undefined;
  }

  /** One page of a cluster's health reports, newest first. */
  async healthHistory(cluster: string, page: PageRequest): Promise<ListResult<HealthView & { id: number }>> {
    await this.#require(cluster);
    const total = (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM health_reports WHERE cluster = ?', cluster))!.n;
    const before = page.after === '' ? Number.MAX_SAFE_INTEGER : Number(page.after); // idPageRequest checked it
    const rows = (await this.#db.all<{ id: number; reported_at: number; status: string; body: string }>('SELECT * FROM health_reports WHERE cluster = ? AND id < ? ORDER BY id DESC LIMIT ?', cluster, before, page.size + 1));
    return listResult(rows.map((r) => ({ id: r.id, reported_at: r.reported_at, status: r.status, report: JSON.parse(r.body) as Record<string, unknown> })),
      total, page, (r) => String(r.id));
  }
}

