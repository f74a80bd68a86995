import { stringify } from 'yaml';
import { ruleOriginOfId, originOfTags } from '../../convert/stored-origins.ts';
import { defaultFamily } from '../../evaluate/endpoints.ts';
import { isProtocol, type Protocol } from '../../k8s/protocol.ts';
import type { Group } from '../../model/group.ts';
import type { Tag } from '../../model/tag.ts';
import type { Family } from '../../net/ip-address.ts';
import { ConsoleCache } from '../console/console-cache.ts';
import {
  CONSOLE_GROUP_TABLE_SCHEMA, CONSOLE_HEATMAP_SCHEMA, CONSOLE_MEMBERS_SCHEMA, CONSOLE_NETWORK_POLICIES_SCHEMA, CONSOLE_POLICY_SCHEMA,
  CONSOLE_POLICY_TABLE_SCHEMA, CONSOLE_TRACE_SCHEMA,
} from '../console/console-schemas.ts';
import { addressMembers, memberMatches, podMembers } from '../console/group-members.ts';
import { namespacePage, namespaceTable, podPage } from '../console/heatmap.ts';
import { summarizePolicy } from '../console/policy-summary.ts';
import { traceConnection } from '../console/trace.ts';
import { badRequest, notFound } from '../http/api-error.ts';
import type { RouteSpec } from '../http/route.ts';
import type { ServerContext } from '../server-context.ts';
import { ConsoleQueries, rowMatches, type TableFilter } from '../store/console-queries.ts';
import type { JsonObject } from '../store/policy-store.ts';

const BASE = '/api/v1/console';
const WINDOW = { offset: 'rows to skip (default 0)', limit: 'rows to return, 1-500 (default 100)' };
const FILTER = {
  cluster: 'only objects of this cluster', namespace: 'only objects tagged with this Kubernetes namespace',
  tag: 'only objects with this tag: scope|tag, or a tag value', q: 'a substring of the id or display name',
};

/** An optional query parameter as a string (a repeated one is refused). */
function text(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw badRequest(`${name}: give it once, as text`);
  if (v.length > 1000) throw badRequest(`${name}: longer than 1000 characters`);
  return v;
}

/** An optional integer query parameter within bounds. */
function integer(query: Readonly<Record<string, unknown>>, name: string, fallback: number, min: number, max: number): number {
  const v = text(query, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw badRequest(`${name}: must be an integer from ${min} to ${max}, not "${v}"`);
  return Number(v);
}

function windowOf(query: Readonly<Record<string, unknown>>): { offset: number; limit: number } {
  return { offset: integer(query, 'offset', 0, 0, 1_000_000_000), limit: integer(query, 'limit', 100, 1, 500) };
}

function filterOf(query: Readonly<Record<string, unknown>>): TableFilter {
  return { cluster: text(query, 'cluster'), namespace: text(query, 'namespace'), tag: text(query, 'tag'), q: text(query, 'q') };
}

function portQuery(query: Readonly<Record<string, unknown>>): { protocol: Protocol; port: number } {
  const port = text(query, 'port');
  if (port === undefined) throw badRequest('port: give the destination port, 1-65535');
  const protocol = (text(query, 'protocol') ?? 'TCP').toUpperCase();
  if (!isProtocol(protocol)) throw badRequest(`protocol: use TCP, UDP or SCTP, not "${protocol}"`);
  return { protocol, port: integer(query, 'port', 0, 1, 65535) };
}

function familyParam(query: Readonly<Record<string, unknown>>): Family | undefined {
  const f = text(query, 'family');
  if (f === undefined) return undefined;
  if (f !== '4' && f !== '6') throw badRequest(`family: use 4 or 6, not "${f}"`);
  return Number(f) as Family;
}

/**
 * The web console's read-only views, each one an API call like any other (same authentication and roles):
 * the firewall table in evaluation order, one policy with its rules' origins and realization, groups and their
 * effective members, a namespace's NetworkPolicies as YAML and in words, the reachability heatmap, and the trace
 * of one connection. Changes go through the NSX API (the import, PUT/PATCH/DELETE); the console has no others.
 */
export function consoleRoutes(ctx: ServerContext): RouteSpec[] {
  const queries = new ConsoleQueries(ctx.db);
  const cache = new ConsoleCache(ctx);
  const requireCluster = async (name: string) => {
    if (!(await ctx.inventory.has(name))) throw notFound(`cluster ${name} is not registered`);
  };
  return [
    { method: 'GET', url: `${BASE}/security-policies`, summary: 'Console: security policies of a category in evaluation order, filtered and windowed',
      permission: 'policy.read', query: { category: 'default Application', ...FILTER, ...WINDOW }, response: CONSOLE_POLICY_TABLE_SCHEMA,
      handler: async (h) => {
        const w = windowOf(h.query);
        const category = text(h.query, 'category') ?? 'Application';
        const filter = filterOf(h.query);
        const index = await cache.get('policy-index', () => queries.policyIndex());
        const matching = await cache.get(`policies\u0000${category}\u0000${JSON.stringify(filter)}`,
          () => index.filter((p) => p.category === category && rowMatches(p, filter)));
        const page = matching.slice(w.offset, w.offset + w.limit);
        const realization = await ctx.realization.ofPolicies(page.map((p) => p.id));
        const results = page.map((p, i) => ({ position: w.offset + i + 1, ...p, realization: realization.get(p.id) ?? [] }));
        return { results, result_count: matching.length, offset: w.offset };
      } },
    { method: 'GET', url: `${BASE}/security-policies/:id`, summary: 'Console: a security policy with its rules, where each came from, and its realization',
      permission: 'policy.read', response: CONSOLE_POLICY_SCHEMA, handler: async (h) => {
        const p = await ctx.policies.getPolicy(h.params.id);
        if (!p) throw notFound(`security policy ${h.params.id} does not exist`);
        const origin = originOfTags(p.tags as Tag[] | undefined);
        const rules = (p.rules as JsonObject[]).map((r) => {
          const rule = ruleOriginOfId(String(r.id));
          return { ...r, ...(origin ? { origin: rule ? { ...origin, ...rule } : origin } : {}), statistics: null };
        });
        const paths = new Set<string>();
        for (const r of rules as JsonObject[]) for (const f of ['source_groups', 'destination_groups', 'scope'] as const) for (const x of (r[f] as string[] | undefined) ?? []) paths.add(x);
        for (const x of (p.scope as string[] | undefined) ?? []) paths.add(x);
        const prefix = '/infra/domains/default/groups/';
        const groupNames: Record<string, string> = {};
        for (const x of paths) {
          if (!x.startsWith(prefix)) continue;
          const g = await ctx.policies.getGroup(x.slice(prefix.length));
          if (g) groupNames[x] = String(g.display_name);
        }
        return { ...p, rules, ...(origin ? { origin } : {}), realization: await ctx.realization.ofPolicy(h.params.id), group_names: groupNames };
      } },
    { method: 'GET', url: `${BASE}/groups`, summary: 'Console: groups, filtered and windowed', permission: 'policy.read',
      query: { ...FILTER, ...WINDOW }, response: CONSOLE_GROUP_TABLE_SCHEMA, handler: async (h) => {
        const w = windowOf(h.query);
        const filter = filterOf(h.query);
        const index = await cache.get('group-index', () => queries.groupIndex());
        const matching = await cache.get(`groups\u0000${JSON.stringify(filter)}`, () => index.filter((g) => rowMatches(g, filter)));
        return { results: matching.slice(w.offset, w.offset + w.limit), result_count: matching.length, offset: w.offset };
      } },
    { method: 'GET', url: `${BASE}/groups/:id/members`, summary: 'Console: a group\'s effective members (pods with namespace, labels, IPs) and addresses',
      permission: 'policy.read', query: { cluster: 'only this cluster (default: the cluster its tags name, else every cluster)', q: 'namespace/name, address or key=value substring', ...WINDOW },
      response: CONSOLE_MEMBERS_SCHEMA, handler: async (h) => {
        const g = await ctx.policies.getGroup(h.params.id);
        if (!g) throw notFound(`group ${h.params.id} does not exist`);
        const group = g as unknown as Group;
        const asked = text(h.query, 'cluster');
        if (asked) await requireCluster(asked);
        const tagged = originOfTags(group.tags)?.cluster;
        const clusters = asked ? [asked] : tagged && (await ctx.inventory.has(tagged)) ? [tagged] : await allClusters(ctx);
        const q = text(h.query, 'q') ?? '';
        const stored = await cache.get('stored-groups', async () => new Map((await ctx.policies.decodedConfig()).config.groups.map((x) => [x.path, x])));
        const found = [];
        for (const c of clusters) {
          const reference = (await cache.worlds(c)).reference;
          found.push(...await cache.get(`members\u0000${c}\u0000${group.id}`, () => podMembers(group, reference, (p) => stored.get(p))));
        }
        const members = found.filter((m) => memberMatches(m, q));
        const w = windowOf(h.query);
        return { group: g, clusters, ip_addresses: addressMembers(group), results: members.slice(w.offset, w.offset + w.limit), result_count: members.length, offset: w.offset };
      } },
    { method: 'GET', url: `${BASE}/clusters/:cluster/network-policies`, summary: 'Console: a cluster\'s NetworkPolicies as YAML and in words',
      permission: 'inventory.read', query: { namespace: 'only this namespace', ...WINDOW }, response: CONSOLE_NETWORK_POLICIES_SCHEMA,
      handler: async (h) => {
        await requireCluster(h.params.cluster);
        const w = windowOf(h.query);
        const ns = text(h.query, 'namespace');
        // the inventory's own paging, by cluster/namespace/name, then this window of it
        const all = [];
        let page = { after: '', size: 1000 };
        for (;;) {
          const r = await ctx.inventory.listObjects('NetworkPolicy', { cluster: h.params.cluster, namespace: ns }, page);
          all.push(...r.results);
          if (!r.cursor || all.length >= w.offset + w.limit) break;
          const last = r.results[r.results.length - 1];
          page = { after: `${last.cluster}\u0000${last.namespace ?? ''}\u0000${last.name}`, size: 1000 };
        }
        const total = (await ctx.inventory.namespaces(h.params.cluster)).filter((n) => ns === undefined || n.name === ns).reduce((s, n) => s + n.network_policy_count, 0);
        const decoded = (await cache.worlds(h.params.cluster)).reference.policies;
        const results = all.slice(w.offset, w.offset + w.limit).map((o) => {
          const model = decoded.find((p) => p.uid === o.uid);
          return {
            uid: o.uid, namespace: o.namespace, name: o.name, yaml: stringify(o.object),
            summary: model ? summarizePolicy(model) : [], ...(o.imported ? { imported: o.imported } : {}),
          };
        });
        return { results, result_count: total, offset: w.offset };
      } },
    { method: 'GET', url: `${BASE}/clusters/:cluster/reachability`, summary: 'Console: reachability heatmap on one port, before any import and now (namespaces, or pods of two namespaces)',
      permission: 'policy.read', response: CONSOLE_HEATMAP_SCHEMA,
      query: {
        port: 'destination port (required)', protocol: 'TCP (default), UDP or SCTP', family: '4 or 6 (default: 4 when any pod has IPv4)',
        source_namespace: 'with destination_namespace: pod by pod between the two', destination_namespace: 'see source_namespace',
        row_offset: 'first row (default 0)', column_offset: 'first column (default 0)', size: 'rows and columns per page, 1-100 (default 30)',
      },
      handler: async (h) => {
        const cluster = h.params.cluster;
        await requireCluster(cluster);
        const q = portQuery(h.query);
        const worlds = await cache.worlds(cluster);
        const family = familyParam(h.query) ?? defaultFamily(worlds.reference);
        const win = { rowOffset: integer(h.query, 'row_offset', 0, 0, 1_000_000), colOffset: integer(h.query, 'column_offset', 0, 0, 1_000_000), size: integer(h.query, 'size', 30, 1, 100) };
        const src = text(h.query, 'source_namespace');
        const dst = text(h.query, 'destination_namespace');
        if ((src === undefined) !== (dst === undefined)) throw badRequest('source_namespace and destination_namespace: give both, or neither');
        const head = {
          cluster, protocol: q.protocol, port: q.port, family,
          before: 'the NetworkPolicies as Kubernetes enforced them before any import',
          after: 'the stored DFW policies, then the NetworkPolicies not imported',
          warnings: await cache.warnings(),
        };
        if (src !== undefined && dst !== undefined) {
          return { ...head, level: 'pods', source_namespace: src, destination_namespace: dst, ...podPage(worlds.reference, worlds.kubernetes, worlds.state, q, family, src, dst, win) };
        }
        const table = await cache.get(`heatmap\u0000${cluster}\u0000${family}\u0000${q.protocol}\u0000${q.port}`,
          () => namespaceTable(worlds.reference, worlds.kubernetes, worlds.state, q, family));
        return { ...head, level: 'namespaces', ...namespacePage(table, win) };
      } },
    { method: 'GET', url: `${BASE}/clusters/:cluster/trace`, summary: 'Console: one connection\'s verdict in both worlds, with the deciding DFW rule and the Kubernetes rule',
      permission: 'policy.read', response: CONSOLE_TRACE_SCHEMA,
      query: { source: 'NAMESPACE/POD or an IP address', destination: 'NAMESPACE/POD or an IP address', port: 'destination port', protocol: 'TCP (default), UDP or SCTP', family: '4 or 6' },
      handler: async (h) => {
        const cluster = h.params.cluster;
        await requireCluster(cluster);
        const source = text(h.query, 'source');
        const destination = text(h.query, 'destination');
        if (!source || !destination) throw badRequest('source and destination: give each as NAMESPACE/POD or an IP address');
        const q = portQuery(h.query);
        const traceflow = {
          available: false,
          reason: `a live traceflow needs the adapter of cluster ${cluster} to run one; np2dfw's adapter API has no traceflow operation yet, so only the computed verdicts are shown`,
        };
        const trace = traceConnection(await cache.worlds(cluster), { source, destination, ...q, family: familyParam(h.query) }, traceflow, (m) => badRequest(m));
        return { ...trace, warnings: await cache.warnings() };
      } },
  ];
}

/** The names of every registered cluster. */
async function allClusters(ctx: ServerContext): Promise<string[]> {
  const out: string[] = [];
  let page = { after: '', size: 1000 };
  for (;;) {
    const r = await ctx.inventory.list(page);
    out.push(...r.results.map((c) => c.name));
    if (!r.cursor) return out;
    page = { after: out[out.length - 1], size: 1000 };
  }
}
