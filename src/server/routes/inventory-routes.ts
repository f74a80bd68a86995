import { badRequest, notFound } from '../http/api-error.ts';
import { idPageRequest, pageRequest } from '../http/paging.ts';
import { queryString } from '../http/query.ts';
import type { RouteSpec } from '../http/route.ts';
import {
  HEALTH_REPORT_SCHEMA, INVENTORY_CHANGES_SCHEMA, INVENTORY_SNAPSHOT_SCHEMA, LIST_RESULT_SCHEMA, REALIZATION_REPORT_SCHEMA,
} from '../http/schemas.ts';
import { validateBody } from '../http/validate-body.ts';
import type { ServerContext } from '../server-context.ts';
import { checkInventoryObjects } from '../store/inventory-store.ts';
import type { RealizationState } from '../store/realization-store.ts';
import { clusterNameProblem } from '../auth/roles.ts';

const BASE = '/api/v1/fabric/container-clusters';
const PAGING = { cursor: 'opaque cursor from the previous page', page_size: 'results per page, 1-1000 (default 1000)' };
/** The inventory lists, by path segment and kind. */
const KIND_PATHS: Readonly<Record<string, string>> = {
  pods: 'Pod', nodes: 'Node', services: 'Service', 'network-policies': 'NetworkPolicy', ingresses: 'Ingress',
};
/** The largest health report (100 components with 4 KiB messages fit). */
const HEALTH_REPORT_LIMIT = 512 * 1024;

/** Clusters: registration, inventory (snapshots and changes), health, the removal queue, realization reports. */
export function inventoryRoutes(ctx: ServerContext): RouteSpec[] {
  const inv = ctx.inventory;
  const own = { param: 'cluster' } as const;
  const ownOrRead = { param: 'cluster', alsoPermission: 'inventory.read' } as const;
  const requireCluster = async (name: string) => {
    if (!(await inv.has(name))) throw notFound(`cluster ${name} is not registered`);
  };
  const routes: RouteSpec[] = [
    { method: 'GET', url: BASE, summary: 'List registered clusters', permission: 'inventory.read', query: PAGING, response: LIST_RESULT_SCHEMA,
      handler: async (h) => inv.list(pageRequest(h.query)) },
    { method: 'GET', url: `${BASE}/:cluster`, summary: 'Read a cluster: counts and latest health', permission: 'inventory.read',
      handler: async (h) => {
        const c = await inv.get(h.params.cluster);
        if (!c) throw notFound(`cluster ${h.params.cluster} is not registered`);
        return c;
      } },
    { method: 'PUT', url: `${BASE}/:cluster`, summary: 'Register a cluster', permission: 'inventory.report', ownCluster: own, audit: 'cluster.register',
      handler: async (h) => {
        const name = h.params.cluster;
        const problem = clusterNameProblem(name);
        if (problem) throw badRequest(problem);
        await ctx.change(h, `cluster ${name}`, () => inv.register(name, h.principal.name), (created) => (created ? 'registered' : 'already registered'));
        return await inv.get(name);
      } },
    { method: 'PUT', url: `${BASE}/:cluster/inventory`, summary: 'Report a full inventory snapshot (replaces the previous one)',
      permission: 'inventory.report', ownCluster: own, audit: 'inventory.snapshot', body: INVENTORY_SNAPSHOT_SCHEMA, bodyLimit: 256 * 1024 * 1024,
      handler: async (h) => {
        const name = h.params.cluster;
        await requireCluster(name);
        const body = validateBody<{ objects: unknown[] }>(INVENTORY_SNAPSHOT_SCHEMA, h.body);
        const checked = checkInventoryObjects(name, body.objects);
        await ctx.change(h, `cluster ${name}`, () => inv.replace(name, checked), () => `${checked.length} objects`);
        return await inv.get(name);
      } },
    { method: 'PATCH', url: `${BASE}/:cluster/inventory`, summary: 'Report incremental inventory changes (upserts and deletes)',
      permission: 'inventory.report', ownCluster: own, audit: 'inventory.changes', body: INVENTORY_CHANGES_SCHEMA, bodyLimit: 64 * 1024 * 1024,
      handler: async (h) => {
        const name = h.params.cluster;
        await requireCluster(name);
        const body = validateBody<{ upserts?: unknown[]; deletes?: { kind: string; namespace?: string; name: string }[] }>(INVENTORY_CHANGES_SCHEMA, h.body);
        const checked = checkInventoryObjects(name, body.upserts ?? [], 'upserts');
        const r = await ctx.change(h, `cluster ${name}`, () => inv.applyChanges(name, checked, body.deletes ?? []),
          (n) => `${n.upserted} upserted, ${n.deleted} deleted`);
        return { ...r, cluster: await inv.get(name) };
      } },
    { method: 'GET', url: `${BASE}/:cluster/namespaces`, summary: 'Namespaces with their NetworkPolicy count (as kubectl get networkpolicies -n counts)',
      permission: 'inventory.read', handler: async (h) => {
        const results = await inv.namespaces(h.params.cluster);
        return { results, result_count: results.length };
      } },
    { method: 'POST', url: `${BASE}/:cluster/health`, summary: 'Report the adapter\'s health', permission: 'inventory.report', ownCluster: own,
      audit: 'health.report', body: HEALTH_REPORT_SCHEMA, bodyLimit: HEALTH_REPORT_LIMIT, status: 201, handler: async (h) => {
        const name = h.params.cluster;
        await requireCluster(name);
        const body = validateBody<Record<string, unknown>>(HEALTH_REPORT_SCHEMA, h.body);
        return ctx.change(h, `cluster ${name}`, () => inv.addHealth(name, body), (r) => r.status);
      } },
    { method: 'GET', url: `${BASE}/:cluster/health`, summary: 'The adapter\'s health reports, newest first', permission: 'inventory.read',
      query: PAGING, handler: async (h) => inv.healthHistory(h.params.cluster, idPageRequest(h.query)) },
    { method: 'GET', url: `${BASE}/:cluster/pending-removals`, summary: 'Imported NetworkPolicies the cluster should delete',
      permission: 'inventory.report', ownCluster: ownOrRead, handler: async (h) => {
        const results = await inv.pendingRemovals(h.params.cluster);
        return { results, result_count: results.length };
      } },
    { method: 'POST', url: `${BASE}/:cluster/realization`, summary: 'Report the realization state of security policies in the cluster',
      permission: 'inventory.report', ownCluster: own, audit: 'realization.report', body: REALIZATION_REPORT_SCHEMA, handler: async (h) => {
        const name = h.params.cluster;
        await requireCluster(name);
        const body = validateBody<{ statuses: { policy_id: string; revision?: number; state: 'REALIZED' | 'ERROR' | 'PENDING'; message?: string }[] }>(REALIZATION_REPORT_SCHEMA, h.body);
        const n = await ctx.change(h, `cluster ${name}`, () => ctx.realization.report(name, body.statuses), (k) => `${k} statuses`);
        return { accepted: n };
      } },
    { method: 'GET', url: `${BASE}/:cluster/realization`, summary: 'Realization state of every security policy spanned to the cluster',
      permission: 'policy.read', query: { state: 'pending, realized or error' }, handler: async (h) => {
        const state = queryString(h.query, 'state');
        if (state !== undefined && !['pending', 'realized', 'error'].includes(state)) throw badRequest('state: use pending, realized or error');
        const results = await ctx.realization.ofCluster(h.params.cluster, state as RealizationState | undefined);
        return { results, result_count: results.length };
      } },
  ];
  for (const [segment, kind] of Object.entries(KIND_PATHS)) {
    routes.push({
      method: 'GET', url: `${BASE}/:cluster/${segment}`, summary: `List the cluster's ${kind}s`, permission: 'inventory.read',
      query: { ...PAGING, namespace: 'only this namespace' }, response: LIST_RESULT_SCHEMA,
      handler: async (h) => {
        await requireCluster(h.params.cluster);
        const ns = queryString(h.query, 'namespace');
        return inv.listObjects(kind, { cluster: h.params.cluster, namespace: ns }, pageRequest(h.query));
      },
    });
  }
  routes.push({
    method: 'GET', url: '/api/v1/fabric/container-network-policies', summary: 'List NetworkPolicies of every cluster (with their uids)',
    permission: 'inventory.read', query: { ...PAGING, cluster: 'only this cluster', namespace: 'only this namespace' }, response: LIST_RESULT_SCHEMA,
    handler: async (h) => inv.listObjects('NetworkPolicy', { cluster: queryString(h.query, 'cluster'), namespace: queryString(h.query, 'namespace') }, pageRequest(h.query)),
  });
  return routes;
}
